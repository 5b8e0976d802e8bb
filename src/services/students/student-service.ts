/**
 * Students of a creator, kept in step with the memberships of the creator's products.
 * Every change runs in a transaction holding the creator's row lock, and re-applies the seat
 * rule (seat-assignment.ts) before it commits whenever the change can move a seat: the students who joined first
 * (membership `created_at`) hold the seats of the creator's tier, the rest wait `over_limit` (no access).
 * A freed seat goes to the earliest waiting student at once, whatever order events arrive in.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { accessOf } from '../whop/membership-access.ts';
import { assignSeats, seatsCanChange, type SeatChanges, type SeatStanding } from './seat-assignment.ts';
import { tierDefinition } from '../../domain/tier-table.ts';

/** `unmatched`: the membership has no user (`user: null`) and matches no stored student. */
export type MembershipChange = 'created' | 'updated' | 'unchanged' | 'stale' | 'unmatched';

export interface AppliedMembership {
  studentId: number | null;
  status: StudentStatus | null;
  change: MembershipChange;
  /** Status before the change (undefined for a new student). */
  previousStatus: StudentStatus | undefined;
  /** The student's Whop user (the stored one when the membership names none). */
  userId: string | null;
}

export type ArchiveOutcome = 'archived' | 'stale' | 'kept' | 'none';

/** A stored student's columns; times are Dates, or ISO strings when read as JSON (`findOrCreate`). */
interface StoredStudent {
  id: number;
  whop_user_id: string;
  status: StudentStatus;
  whop_membership_id: string | null;
  membership_status: string | null;
  membership_updated_at: Date | string | null;
  grace_ends_at: Date | string | null;
  joined_at: Date | string;
}

const STORED =
  'id, whop_user_id, status, whop_membership_id, membership_status, membership_updated_at, grace_ends_at, joined_at';

const holdsOrAwaitsSeat = (status: StudentStatus) => status === 'active' || status === 'over_limit';
const DAY_MS = 24 * 60 * 60 * 1000;

export function createStudentService(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'Student'>;
  gracePeriodDays?: number;
  now?: () => number;
}) {
  const { Creator, Student } = deps.models;
  const now = deps.now ?? Date.now;
  const graceMs = (deps.gracePeriodDays ?? 3) * DAY_MS;

  async function lockCreator(creatorId: number, transaction: Transaction): Promise<Creator> {
    const creator = await Creator.findByPk(creatorId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!creator) throw new Error(`creator ${creatorId} not found`);
    return creator;
  }

  /**
   * The stored student this membership is about: by Whop user; for a membership without a user
   * (`user: null`: deleted account, unclaimed), by the membership id, then the Whop member id.
   */
  async function stored(
    creatorId: number,
    m: WhopMembership,
    transaction: Transaction,
  ): Promise<StoredStudent | undefined> {
    const by = async (where: string, replacements: Record<string, unknown>) =>
      (
        await deps.sequelize.query<StoredStudent>(
          `SELECT ${STORED} FROM students WHERE creator_id = :creatorId AND ${where} ORDER BY id LIMIT 1 FOR UPDATE`,
          {
            replacements: { creatorId, ...replacements },
            type: QueryTypes.SELECT,
            transaction,
          },
        )
      )[0];
    if (m.userId) return by('whop_user_id = :userId', { userId: m.userId });
    return (
      (await by('whop_membership_id = :membershipId', { membershipId: m.id })) ??
      (m.memberId ? by('whop_member_id = :memberId', { memberId: m.memberId }) : undefined)
    );
  }

  const isStale = (existing: StoredStudent | undefined, m: WhopMembership) =>
    Boolean(
      existing?.membership_updated_at && new Date(existing.membership_updated_at).getTime() > m.updatedAt.getTime(),
    );

  /** Another membership of this creator keeps the student in: one that is not theirs ending changes nothing. */
  const keptByAnother = (existing: StoredStudent | undefined, m: WhopMembership) =>
    Boolean(
      existing &&
      existing.whop_membership_id !== m.id &&
      existing.status === 'active' &&
      accessOf(existing.membership_status ?? '') !== 'none',
    );

  /**
   * What a membership makes of a student (`existing`, or a new one): grace end, provisional status, the row's fields.
   */
  function planChange(
    creator: { id: number; tier: Creator['tier'] },
    membership: WhopMembership,
    existing: StoredStudent | undefined,
    userId: string,
  ) {
    const access = accessOf(membership.status);
    // past_due: access is kept for the grace period, counted from when the membership first went past_due.
    const graceEndsAt =
      access !== 'grace'
        ? null
        : existing?.membership_status === 'past_due' && existing.grace_ends_at
          ? new Date(existing.grace_ends_at)
          : new Date(now() + graceMs);
    // Without a limit everybody with access is seated. With one, a student with access keeps or
    // waits for a seat provisionally; assignSeats decides when this change can move a seat.
    const limit = tierDefinition(creator.tier).limits.students;
    let status: StudentStatus = 'inactive';
    if (access === 'grants' || (access === 'grace' && graceEndsAt!.getTime() > now()))
      status = limit === null || existing?.status === 'active' ? 'active' : 'over_limit';
    const joinedAt = membership.createdAt ?? (existing ? new Date(existing.joined_at) : new Date(now()));
    const fields = {
      creatorId: creator.id,
      userId,
      username: membership.username,
      membershipId: membership.id,
      productId: membership.productId || null,
      memberId: membership.memberId ?? null,
      status,
      membershipStatus: membership.status,
      membershipUpdatedAt: membership.updatedAt,
      joinedAt,
      createdAt: membership.createdAt,
      graceEndsAt,
      manageUrl: membership.manageUrl ?? null,
    };
    const after: SeatStanding = {
      hasAccess: holdsOrAwaitsSeat(status),
      joinedAt: joinedAt.getTime(),
      membershipId: membership.id,
    };
    return { limit, status, fields, after };
  }

  /**
   * A member's student row, in one statement: the stored one (locked), or, for a member seen for
   * the first time, a new one stored from `fields` (planned as for a new student). `existing`
   * undefined and no `createdId`: a row appeared outside the creator's lock; read it again.
   */
  async function findOrCreate(
    fields: ReturnType<typeof planChange>['fields'],
    transaction: Transaction,
  ): Promise<{ existing?: StoredStudent; createdId?: number }> {
    const [row] = await deps.sequelize.query<{ existing: StoredStudent | null; created_id: number | null }>(
      `WITH found AS (
         SELECT ${STORED} FROM students WHERE creator_id = :creatorId AND whop_user_id = :userId FOR UPDATE
       ), created AS (
         INSERT INTO students (creator_id, whop_user_id, username, whop_membership_id, whop_product_id, whop_member_id,
           status, membership_status, membership_updated_at, joined_at, grace_ends_at, manage_url)
         SELECT :creatorId, :userId, :username, :membershipId, :productId, :memberId, :status, :membershipStatus,
           :membershipUpdatedAt, :joinedAt, :graceEndsAt, :manageUrl
          WHERE NOT EXISTS (SELECT 1 FROM found)
         ON CONFLICT (creator_id, whop_user_id) DO NOTHING
         RETURNING id
       )
       SELECT (SELECT row_to_json(found) FROM found) AS existing, (SELECT id FROM created) AS created_id`,
      { replacements: fields, type: QueryTypes.SELECT, transaction },
    );
    return { existing: row?.existing ?? undefined, createdId: row?.created_id ?? undefined };
  }

  /** Re-applies the seat rule if this change can move a seat; the student's status after it. */
  async function settleSeat(
    creator: { id: number; tier: Creator['tier'] },
    studentId: number,
    planned: ReturnType<typeof planChange>,
    before: SeatStanding | undefined,
    transaction: Transaction,
  ): Promise<StudentStatus> {
    if (planned.limit === null || !seatsCanChange(before, planned.after)) return planned.status;
    const seats = await assignSeats(deps.sequelize, creator, transaction);
    if (seats.seated.includes(studentId)) return 'active';
    if (seats.unseated.includes(studentId)) return 'over_limit';
    return planned.status;
  }

  async function applyToLockedCreator(
    creator: { id: number; tier: Creator['tier'] },
    membership: WhopMembership,
    transaction: Transaction,
  ): Promise<AppliedMembership> {
    let existing: StoredStudent | undefined;
    if (membership.userId) {
      // Most members are new when their first event comes: looked up and stored in one round trip.
      const planned = planChange(creator, membership, undefined, membership.userId);
      const found = await findOrCreate(planned.fields, transaction);
      if (found.createdId !== undefined) {
        const status = await settleSeat(creator, found.createdId, planned, undefined, transaction);
        return {
          studentId: found.createdId,
          status,
          change: 'created',
          previousStatus: undefined,
          userId: membership.userId,
        };
      }
      existing = found.existing ?? (await stored(creator.id, membership, transaction));
      if (!existing) throw new Error(`the student ${membership.userId} of creator ${creator.id} changed meanwhile`);
    } else {
      existing = await stored(creator.id, membership, transaction);
      if (!existing)
        return { studentId: null, status: null, change: 'unmatched', previousStatus: undefined, userId: null };
    }
    const userId = membership.userId ?? existing.whop_user_id;
    if (isStale(existing, membership))
      return {
        studentId: existing.id,
        status: existing.status,
        change: 'stale',
        previousStatus: existing.status,
        userId,
      };
    if (accessOf(membership.status) !== 'grants' && keptByAnother(existing, membership))
      return {
        studentId: existing.id,
        status: existing.status,
        change: 'unchanged',
        previousStatus: existing.status,
        userId,
      };
    const planned = planChange(creator, membership, existing, userId);
    // The join time is the membership's own `created_at` (a new membership of the same user: its own).
    await deps.sequelize.query(
      `UPDATE students SET username = coalesce(:username, username), whop_membership_id = :membershipId,
              whop_product_id = coalesce(:productId, whop_product_id),
            whop_member_id = coalesce(:memberId, whop_member_id), status = :status,
              membership_status = :membershipStatus,
            membership_updated_at = :membershipUpdatedAt, grace_ends_at = :graceEndsAt,
            joined_at = coalesce(CAST(:createdAt AS timestamptz), joined_at),
            manage_url = coalesce(:manageUrl, manage_url), updated_at = now()
      WHERE id = :id`,
      { replacements: { ...planned.fields, id: existing.id }, transaction },
    );
    const before: SeatStanding = {
      hasAccess: holdsOrAwaitsSeat(existing.status),
      joinedAt: new Date(existing.joined_at).getTime(),
      membershipId: existing.whop_membership_id,
    };
    const status = await settleSeat(creator, existing.id, planned, before, transaction);
    return { studentId: existing.id, status, change: 'updated', previousStatus: existing.status, userId };
  }

  function inTransaction<T>(outer: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
    return outer ? work(outer) : deps.sequelize.transaction(work);
  }

  return {
    /**
     * Applies one membership of the creator's products. A change older (`updated_at`) than what
     * is stored is skipped (`stale`); invalid memberships make the student inactive. Plain SQL:
     * this runs once per webhook and per reconciled membership, so it is kept to three statements
     * for a new member and four otherwise (one more, the seat assignment, only when the change
     * can move a seat under a limited tier).
     */
    applyMembership(creatorId: number, membership: WhopMembership, outer?: Transaction): Promise<AppliedMembership> {
      return inTransaction(outer, async (transaction) => {
        const [creator] = await deps.sequelize.query<{ tier: Creator['tier'] }>(
          'SELECT tier FROM creators WHERE id = :creatorId FOR UPDATE',
          {
            replacements: { creatorId },
            type: QueryTypes.SELECT,
            transaction,
          },
        );
        if (!creator) throw new Error(`creator ${creatorId} not found`);
        return applyToLockedCreator({ id: creatorId, tier: creator.tier }, membership, transaction);
      });
    },

    /** The same, for a caller that already holds the creator's row lock in `transaction`. */
    applyMembershipLocked(
      creator: { id: number; tier: Creator['tier'] },
      membership: WhopMembership,
      transaction: Transaction,
    ): Promise<AppliedMembership> {
      return applyToLockedCreator(creator, membership, transaction);
    },

    /**
     * Re-applies the seat rule after the creator's tier changed (either way): an upgrade seats
     * the earliest waiting students, a downgrade leaves the seats to the earliest joiners and
     * the later ones wait (nothing is deleted).
     */
    reassignSeats(creatorId: number, outer?: Transaction): Promise<SeatChanges> {
      return inTransaction(outer, async (transaction) => {
        const creator = await lockCreator(creatorId, transaction);
        return assignSeats(deps.sequelize, creator, transaction);
      });
    },

    /**
     * A deleted membership (`membership.deleted`): the student is kept for the record, without
     * access, by the same rules as a deactivation: a deletion older than what is stored changes
     * nothing (`stale`), nor does one of a membership that is not the one giving them access
     * while that one still does (`kept`).
     */
    archiveMembership(
      creatorId: number,
      membership: WhopMembership,
      outer?: Transaction,
    ): Promise<{ outcome: ArchiveOutcome; userId: string | null }> {
      return inTransaction(outer, async (transaction) => {
        const existing = await stored(creatorId, membership, transaction);
        if (!existing) return { outcome: 'none' as const, userId: membership.userId };
        const userId = existing.whop_user_id;
        if (isStale(existing, membership)) return { outcome: 'stale' as const, userId };
        if (keptByAnother(existing, membership)) return { outcome: 'kept' as const, userId };
        const creator = await lockCreator(creatorId, transaction);
        await deps.sequelize.query(
          `UPDATE students SET status = 'archived', whop_membership_id = :membershipId,
                  membership_status = :membershipStatus, membership_updated_at = :updatedAt,
                  grace_ends_at = NULL, updated_at = now() WHERE id = :id`,
          {
            replacements: {
              id: existing.id,
              membershipId: membership.id,
              membershipStatus: membership.status,
              updatedAt: membership.updatedAt,
            },
            transaction,
          },
        );
        await assignSeats(deps.sequelize, creator, transaction);
        return { outcome: 'archived' as const, userId };
      });
    },

    /**
     * Students whose `past_due` grace period has run out lose access, creator by creator under
     * the creator's lock, and their seats go to the earliest waiting students. Returns how many.
     */
    async expireGracePeriods(): Promise<number> {
      const expired = "grace_ends_at <= :now AND membership_status = 'past_due' AND status IN ('active', 'over_limit')";
      const at = new Date(now());
      const creators = await deps.sequelize.query<{ creator_id: number }>(
        `SELECT DISTINCT creator_id FROM students WHERE ${expired} ORDER BY creator_id`,
        { replacements: { now: at }, type: QueryTypes.SELECT },
      );
      let ended = 0;
      for (const { creator_id: creatorId } of creators)
        ended += await deps.sequelize.transaction(async (transaction) => {
          const creator = await lockCreator(creatorId, transaction);
          const rows = await deps.sequelize.query(
            `UPDATE students SET status = 'inactive', updated_at = now() WHERE creator_id = :creatorId AND ` +
              `${expired} RETURNING id`,
            { replacements: { now: at, creatorId }, type: QueryTypes.SELECT, transaction },
          );
          await assignSeats(deps.sequelize, creator, transaction);
          return rows.length;
        });
      return ended;
    },

    /** The creators whose student this Whop user is (for the student dashboard). */
    memberships(whopUserId: string) {
      return Student.findAll({
        where: { whopUserId },
        include: [{ model: Creator, as: 'creator' }],
        order: [['joinedAt', 'ASC']],
      });
    },
  };
}

export type StudentService = ReturnType<typeof createStudentService>;
