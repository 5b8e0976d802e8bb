/**
 * Students of a creator, kept in step with the memberships of the creator's products.
 * Every change runs in a transaction holding the creator's row lock, and re-applies the seat
 * rule (seat-assignment.ts) before it commits whenever the change can move a seat: the students who joined first
 * (membership `created_at`) hold the seats of the creator's tier, the rest wait `over_limit` (no access).
 * A freed seat goes to the earliest waiting student at once, whatever order events arrive in.
 * A student holds every membership they have of the creator's products (student-memberships.ts)
 * and has access while any of them grants it.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { accessOf } from '../whop/membership-access.ts';
import { assignSeats, seatsCanChange, type SeatChanges, type SeatStanding } from './seat-assignment.ts';
import { tierDefinition } from '../../domain/tier-table.ts';
import { EXPIRED_GRACE, endExpiredGrace, settleStanding, storeMembership } from './student-memberships.ts';

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
  joined_at: Date | string;
}

const STORED = 'id, whop_user_id, status, whop_membership_id, joined_at';

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
      (await by('id IN (SELECT student_id FROM student_memberships WHERE whop_membership_id = :membershipId)', {
        membershipId: m.id,
      })) ?? (m.memberId ? by('whop_member_id = :memberId', { memberId: m.memberId }) : undefined)
    );
  }

  /** What a membership makes of a new student: its access, grace end, provisional status, the row's fields. */
  function planChange(creator: { id: number; tier: Creator['tier'] }, membership: WhopMembership, userId: string) {
    const access = accessOf(membership.status);
    // past_due: access is kept for the grace period, counted from when the membership first went
    // past_due (storeMembership keeps an earlier end); this is the end of one starting now.
    const graceEndsAt = new Date(now() + graceMs);
    // Without a limit everybody with access is seated. With one, a new student with access waits
    // for a seat provisionally; assignSeats decides when this change can move a seat.
    const limit = tierDefinition(creator.tier).limits.students;
    const grantsAccess = access === 'grants' || (access === 'grace' && graceEndsAt.getTime() > now());
    const status: StudentStatus = !grantsAccess ? 'inactive' : limit === null ? 'active' : 'over_limit';
    const joinedAt = membership.createdAt ?? new Date(now());
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
      createdAt: membership.createdAt ?? null,
      graceEndsAt: access === 'grace' ? graceEndsAt : null,
      grantsAccess,
      manageUrl: membership.manageUrl ?? null,
    };
    const after: SeatStanding = {
      hasAccess: holdsOrAwaitsSeat(status),
      joinedAt: joinedAt.getTime(),
      membershipId: membership.id,
    };
    return { access, limit, status, fields, after, graceEndsAt };
  }

  /**
   * A member's student row, in one statement: the stored one (locked), or, for a member seen for
   * the first time, a new one stored from `fields` (planned as for a new student) with its first
   * membership. `existing` undefined and no `createdId`: a row appeared outside the creator's
   * lock; read it again.
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
       ), held AS (
         INSERT INTO student_memberships (student_id, whop_membership_id, whop_product_id, membership_status,
                membership_updated_at,
                membership_created_at, grace_ends_at, grants_access, manage_url)
         SELECT id, :membershipId, :productId, :membershipStatus, :membershipUpdatedAt, :createdAt, :graceEndsAt,
                :grantsAccess, :manageUrl
           FROM created
         ON CONFLICT (whop_membership_id) DO NOTHING
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
    planned: { limit: number | null; status: StudentStatus; after: SeatStanding },
    before: SeatStanding | undefined,
    transaction: Transaction,
  ): Promise<StudentStatus> {
    if (planned.limit === null || !seatsCanChange(before, planned.after)) return planned.status;
    const seats = await assignSeats(deps.sequelize, creator, transaction);
    if (seats.seated.includes(studentId)) return 'active';
    if (seats.unseated.includes(studentId)) return 'over_limit';
    return planned.status;
  }

  const standingOf = (row: Pick<StoredStudent, 'status' | 'joined_at' | 'whop_membership_id'>): SeatStanding => ({
    hasAccess: holdsOrAwaitsSeat(row.status),
    joinedAt: new Date(row.joined_at).getTime(),
    membershipId: row.whop_membership_id,
  });

  async function applyToLockedCreator(
    creator: { id: number; tier: Creator['tier'] },
    membership: WhopMembership,
    transaction: Transaction,
  ): Promise<AppliedMembership> {
    let existing: StoredStudent | undefined;
    const planned = planChange(creator, membership, membership.userId ?? '');
    if (membership.userId) {
      // Most members are new when their first event comes: looked up and stored in one round trip.
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
    const kept = await storeMembership(
      deps.sequelize,
      {
        studentId: existing.id,
        fields: planned.fields,
        access: planned.access,
        graceEndsAt: planned.graceEndsAt,
        now: new Date(now()),
      },
      transaction,
    );
    // An older change never wins: what is stored of this membership is newer.
    if (!kept)
      return {
        studentId: existing.id,
        status: existing.status,
        change: 'stale',
        previousStatus: existing.status,
        userId,
      };
    const [standing] = await settleStanding(
      deps.sequelize,
      {
        studentIds: [existing.id],
        unlimited: planned.limit === null,
        endedStatus: 'inactive',
        username: membership.username,
        memberId: membership.memberId ?? null,
      },
      transaction,
    );
    if (!standing) throw new Error(`the student ${existing.id} has no membership stored`);
    const status = await settleSeat(
      creator,
      existing.id,
      { limit: planned.limit, status: standing.status, after: standingOf(standing) },
      standingOf(existing),
      transaction,
    );
    // A membership that does not grant access while another keeps the student in changes nothing for them.
    const change = !kept.grantsAccess && standing.has_access ? 'unchanged' : 'updated';
    return { studentId: existing.id, status, change, previousStatus: existing.status, userId };
  }

  function inTransaction<T>(outer: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
    return outer ? work(outer) : deps.sequelize.transaction(work);
  }

  return {
    /**
     * Applies one membership of the creator's products. A change older (`updated_at`) than what
     * is stored of the same membership is skipped (`stale`); the student has access while any of
     * their memberships grants it (`unchanged`: this one does not, another does), and becomes
     * inactive when none does. Plain SQL: this runs once per webhook and per reconciled
     * membership, so it is kept to two statements for a new member and four for a known one (one
     * more, the seat assignment, only when the change can move a seat under a limited tier).
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
     * A deleted membership (`membership.deleted`): it stops granting access, and the student is
     * kept for the record, without access, by the same rules as a deactivation: a deletion older
     * than what is stored of that membership changes nothing (`stale`); while another membership
     * still grants access the student keeps it (`kept`); otherwise they are `archived`.
     */
    archiveMembership(
      creatorId: number,
      membership: WhopMembership,
      outer?: Transaction,
    ): Promise<{ outcome: ArchiveOutcome; userId: string | null }> {
      return inTransaction(outer, async (transaction) => {
        const creator = await lockCreator(creatorId, transaction);
        const existing = await stored(creatorId, membership, transaction);
        if (!existing) return { outcome: 'none' as const, userId: membership.userId };
        const userId = existing.whop_user_id;
        const kept = await storeMembership(
          deps.sequelize,
          {
            studentId: existing.id,
            fields: {
              membershipId: membership.id,
              productId: membership.productId || null,
              membershipStatus: membership.status,
              membershipUpdatedAt: membership.updatedAt,
              createdAt: membership.createdAt ?? null,
              manageUrl: membership.manageUrl ?? null,
            },
            access: 'none',
            graceEndsAt: new Date(now()),
            now: new Date(now()),
          },
          transaction,
        );
        if (!kept) return { outcome: 'stale' as const, userId };
        const [standing] = await settleStanding(
          deps.sequelize,
          {
            studentIds: [existing.id],
            unlimited: tierDefinition(creator.tier).limits.students === null,
            endedStatus: 'archived',
          },
          transaction,
        );
        if (standing?.has_access) return { outcome: 'kept' as const, userId };
        await assignSeats(deps.sequelize, creator, transaction);
        return { outcome: 'archived' as const, userId };
      });
    },

    /**
     * Memberships whose `past_due` grace period has run out stop granting access; a student
     * none of whose memberships grants it any more loses access, creator by creator under the
     * creator's lock, and their seats go to the earliest waiting students. Returns how many.
     */
    async expireGracePeriods(): Promise<number> {
      const at = new Date(now());
      const creators = await deps.sequelize.query<{ creator_id: number }>(
        `SELECT DISTINCT s.creator_id FROM student_memberships sm JOIN students s ON s.id = sm.student_id
          WHERE ${EXPIRED_GRACE} ORDER BY s.creator_id`,
        { replacements: { now: at }, type: QueryTypes.SELECT },
      );
      let ended = 0;
      for (const { creator_id: creatorId } of creators)
        ended += await deps.sequelize.transaction(async (transaction) => {
          const creator = await lockCreator(creatorId, transaction);
          const studentIds = await endExpiredGrace(deps.sequelize, creatorId, at, transaction);
          const standings = await settleStanding(
            deps.sequelize,
            { studentIds, unlimited: tierDefinition(creator.tier).limits.students === null, endedStatus: 'inactive' },
            transaction,
          );
          await assignSeats(deps.sequelize, creator, transaction);
          return standings.filter((s) => holdsOrAwaitsSeat(s.previous_status) && !s.has_access).length;
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
