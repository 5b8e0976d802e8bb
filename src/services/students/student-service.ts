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
import { isValidMembershipStatus, type WhopMembership } from '../whop/whop-membership.ts';
import { tierDefinition } from '../tiers/tier-table.ts';

export type MembershipChange = 'created' | 'updated' | 'unchanged' | 'stale';

export interface AppliedMembership {
  studentId: number;
  status: StudentStatus;
  change: MembershipChange;
  /** Status before the change (undefined for a new student). */
  previousStatus: StudentStatus | undefined;
}

interface StoredStudent {
  id: number;
  status: StudentStatus;
  whop_membership_id: string | null;
  membership_status: string | null;
  membership_updated_at: Date | null;
}

export function createStudentService(deps: { sequelize: Sequelize; models: Pick<Models, 'Creator' | 'Student'> }) {
  const { Creator, Student } = deps.models;

  async function lockCreator(creatorId: number, transaction: Transaction): Promise<Creator> {
    const creator = await Creator.findByPk(creatorId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!creator) throw new Error(`creator ${creatorId} not found`);
    return creator;
  }

  async function activeCount(creatorId: number, transaction: Transaction): Promise<number> {
    const [row] = await deps.sequelize.query<{ n: number }>("SELECT count(*)::int AS n FROM students WHERE creator_id = :creatorId AND status = 'active'", {
      replacements: { creatorId }, type: QueryTypes.SELECT, transaction,
    });
    return row?.n ?? 0;
  }

  async function applyToLockedCreator(creator: { id: number; tier: Creator['tier'] }, membership: WhopMembership, transaction: Transaction): Promise<AppliedMembership> {
    const creatorId = creator.id;
    const [existing] = await deps.sequelize.query<StoredStudent>(
      'SELECT id, status, whop_membership_id, membership_status, membership_updated_at FROM students WHERE creator_id = :creatorId AND whop_user_id = :userId',
      { replacements: { creatorId, userId: membership.userId }, type: QueryTypes.SELECT, transaction },
    );
    if (existing?.membership_updated_at && new Date(existing.membership_updated_at).getTime() > membership.updatedAt.getTime()) {
      return { studentId: existing.id, status: existing.status, change: 'stale', previousStatus: existing.status };
    }
    // Another membership of this student keeps them in: a different one ending changes nothing.
    if (existing && !membership.valid && existing.whop_membership_id !== membership.id && existing.status === 'active' && isValidMembershipStatus(existing.membership_status ?? '')) {
      return { studentId: existing.id, status: existing.status, change: 'unchanged', previousStatus: existing.status };
    }
    let status: StudentStatus = 'inactive';
    if (membership.valid) {
      const limit = tierDefinition(creator.tier).limits.students;
      status = existing?.status === 'active' || limit === null || (await activeCount(creatorId, transaction)) < limit ? 'active' : 'over_limit';
    }
    const fields = {
      creatorId, userId: membership.userId, username: membership.username, membershipId: membership.id, productId: membership.productId,
      status, membershipStatus: membership.status, membershipUpdatedAt: membership.updatedAt, joinedAt: membership.createdAt ?? new Date(),
    };
    if (!existing) {
      const [created] = await deps.sequelize.query<{ id: number }>(
        `INSERT INTO students (creator_id, whop_user_id, username, whop_membership_id, whop_product_id, status, membership_status, membership_updated_at, joined_at)
         VALUES (:creatorId, :userId, :username, :membershipId, :productId, :status, :membershipStatus, :membershipUpdatedAt, :joinedAt) RETURNING id`,
        { replacements: fields, type: QueryTypes.SELECT, transaction },
      );
      return { studentId: created!.id, status, change: 'created', previousStatus: undefined };
    }
    await deps.sequelize.query(
      `UPDATE students SET username = coalesce(:username, username), whop_membership_id = :membershipId, whop_product_id = :productId, status = :status,
              membership_status = :membershipStatus, membership_updated_at = :membershipUpdatedAt, updated_at = now()
        WHERE id = :id`,
      { replacements: { ...fields, id: existing.id }, transaction },
    );
    return { studentId: existing.id, status, change: 'updated', previousStatus: existing.status };
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
        const [creator] = await deps.sequelize.query<{ tier: Creator['tier'] }>('SELECT tier FROM creators WHERE id = :creatorId FOR UPDATE', {
          replacements: { creatorId }, type: QueryTypes.SELECT, transaction,
        });
        if (!creator) throw new Error(`creator ${creatorId} not found`);
        return applyToLockedCreator({ id: creatorId, tier: creator.tier }, membership, transaction);
      });
    },

    /** The same, for a caller that already holds the creator's row lock in `transaction`. */
    applyMembershipLocked(creator: { id: number; tier: Creator['tier'] }, membership: WhopMembership, transaction: Transaction): Promise<AppliedMembership> {
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
          order: [['joinedAt', 'ASC'], ['id', 'ASC']],
          ...(room === undefined ? {} : { limit: room }),
          transaction,
        });
        if (waiting.length === 0) return 0;
        await Student.update({ status: 'active' }, { where: { id: { [Op.in]: waiting.map((s) => s.id) } }, transaction });
        return waiting.length;
      });
    },

    /** A removed membership: the student is kept for the record, without access. */
    archive(creatorId: number, whopUserId: string, outer?: Transaction): Promise<number> {
      return inTransaction(outer, async (transaction) => {
        const [count] = await Student.update({ status: 'archived' }, { where: { creatorId, whopUserId }, transaction });
        return count;
      });
    },

    /** The creators whose student this Whop user is (for the student dashboard). */
    memberships(whopUserId: string) {
      return Student.findAll({ where: { whopUserId }, include: [{ model: Creator, as: 'creator' }], order: [['joinedAt', 'ASC']] });
    },
  };
}

export type StudentService = ReturnType<typeof createStudentService>;
