/**
 * Students of a creator, kept in step with the memberships of the creator's products.
 * Every change runs in a transaction holding the creator's row lock, so the student limit
 * holds under concurrency: a student who joins at the limit is stored `over_limit` (no
 * access) and becomes active, oldest first, when the creator's tier allows more.
 */
import { Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { accessOf } from '../whop/membership-access.ts';
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

interface StoredStudent {
  id: number;
  whop_user_id: string;
  status: StudentStatus;
  whop_membership_id: string | null;
  membership_status: string | null;
  membership_updated_at: Date | null;
  grace_ends_at: Date | null;
}

const STORED = 'id, whop_user_id, status, whop_membership_id, membership_status, membership_updated_at, grace_ends_at';
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

  async function activeCount(creatorId: number, transaction: Transaction): Promise<number> {
    const [row] = await deps.sequelize.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM students WHERE creator_id = :creatorId AND status = 'active'",
      {
        replacements: { creatorId },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return row?.n ?? 0;
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

  async function applyToLockedCreator(
    creator: { id: number; tier: Creator['tier'] },
    membership: WhopMembership,
    transaction: Transaction,
  ): Promise<AppliedMembership> {
    const creatorId = creator.id;
    const existing = await stored(creatorId, membership, transaction);
    const userId = membership.userId ?? existing?.whop_user_id ?? null;
    if (!existing && !userId)
      return { studentId: null, status: null, change: 'unmatched', previousStatus: undefined, userId: null };
    if (isStale(existing, membership))
      return {
        studentId: existing!.id,
        status: existing!.status,
        change: 'stale',
        previousStatus: existing!.status,
        userId,
      };
    const access = accessOf(membership.status);
    if (access !== 'grants' && keptByAnother(existing, membership))
      return {
        studentId: existing!.id,
        status: existing!.status,
        change: 'unchanged',
        previousStatus: existing!.status,
        userId,
      };
    // past_due: access is kept for the grace period, counted from when the membership first went past_due.
    const graceEndsAt =
      access !== 'grace'
        ? null
        : existing?.membership_status === 'past_due' && existing.grace_ends_at
          ? new Date(existing.grace_ends_at)
          : new Date(now() + graceMs);
    let status: StudentStatus = 'inactive';
    if (access === 'grants' || (access === 'grace' && graceEndsAt!.getTime() > now())) {
      const limit = tierDefinition(creator.tier).limits.students;
      status =
        existing?.status === 'active' || limit === null || (await activeCount(creatorId, transaction)) < limit
          ? 'active'
          : 'over_limit';
    }
    const fields = {
      creatorId,
      userId,
      username: membership.username,
      membershipId: membership.id,
      productId: membership.productId || null,
      memberId: membership.memberId ?? null,
      status,
      membershipStatus: membership.status,
      membershipUpdatedAt: membership.updatedAt,
      joinedAt: membership.createdAt ?? new Date(now()),
      graceEndsAt,
      manageUrl: membership.manageUrl ?? null,
    };
    if (!existing) {
      const [created] = await deps.sequelize.query<{ id: number }>(
        `INSERT INTO students (creator_id, whop_user_id, username, whop_membership_id, whop_product_id, whop_member_id, status, membership_status, membership_updated_at, joined_at, grace_ends_at, manage_url)
         VALUES (:creatorId, :userId, :username, :membershipId, :productId, :memberId, :status, :membershipStatus, :membershipUpdatedAt, :joinedAt, :graceEndsAt, :manageUrl) RETURNING id`,
        { replacements: fields, type: QueryTypes.SELECT, transaction },
      );
      return { studentId: created!.id, status, change: 'created', previousStatus: undefined, userId };
    }
    await deps.sequelize.query(
      `UPDATE students SET username = coalesce(:username, username), whop_membership_id = :membershipId, whop_product_id = coalesce(:productId, whop_product_id),
              whop_member_id = coalesce(:memberId, whop_member_id), status = :status, membership_status = :membershipStatus,
              membership_updated_at = :membershipUpdatedAt, grace_ends_at = :graceEndsAt,
              manage_url = coalesce(:manageUrl, manage_url), updated_at = now()
        WHERE id = :id`,
      { replacements: { ...fields, id: existing.id }, transaction },
    );
    return { studentId: existing.id, status, change: 'updated', previousStatus: existing.status, userId };
  }

  function inTransaction<T>(outer: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
    return outer ? work(outer) : deps.sequelize.transaction(work);
  }

  return {
    /**
     * Applies one membership of the creator's products. A change older (`updated_at`) than what
     * is stored is skipped (`stale`); invalid memberships make the student inactive. Plain SQL:
     * this runs once per webhook and per reconciled membership, so it is kept to four statements.
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

    /** Activates over-limit students, oldest first, up to the creator's current limit. Returns how many. */
    activateUpToLimit(creatorId: number, outer?: Transaction): Promise<number> {
      return inTransaction(outer, async (transaction) => {
        const creator = await lockCreator(creatorId, transaction);
        const limit = tierDefinition(creator.tier).limits.students;
        const room = limit === null ? undefined : limit - (await activeCount(creatorId, transaction));
        if (room !== undefined && room <= 0) return 0;
        const waiting = await Student.findAll({
          where: { creatorId, status: 'over_limit' },
          order: [
            ['joinedAt', 'ASC'],
            ['id', 'ASC'],
          ],
          ...(room === undefined ? {} : { limit: room }),
          transaction,
        });
        if (waiting.length === 0) return 0;
        await Student.update(
          { status: 'active' },
          { where: { id: { [Op.in]: waiting.map((s) => s.id) } }, transaction },
        );
        return waiting.length;
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
        await deps.sequelize.query(
          `UPDATE students SET status = 'archived', whop_membership_id = :membershipId, membership_status = :membershipStatus, membership_updated_at = :updatedAt,
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
        return { outcome: 'archived' as const, userId };
      });
    },

    /** Students whose `past_due` grace period has run out lose access. Returns how many. */
    async expireGracePeriods(): Promise<number> {
      const rows = await deps.sequelize.query(
        `UPDATE students SET status = 'inactive', updated_at = now()
          WHERE grace_ends_at <= :now AND membership_status = 'past_due' AND status IN ('active', 'over_limit') RETURNING id`,
        { replacements: { now: new Date(now()) }, type: QueryTypes.SELECT },
      );
      return rows.length;
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
