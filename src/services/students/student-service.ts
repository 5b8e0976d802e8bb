/**
 * Students of a creator, kept in step with the memberships of the creator's products.
 * Every change runs in a transaction holding the creator's row lock, so the student limit
 * holds under concurrency: a student who joins at the limit is stored `over_limit` (no
 * access) and becomes active, oldest first, when the creator's tier allows more.
 */
import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { Student, StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { tierDefinition } from '../tiers/tier-table.ts';

export type MembershipChange = 'created' | 'updated' | 'unchanged' | 'stale';

export interface AppliedMembership {
  student: Student;
  change: MembershipChange;
  /** Status before the change (undefined for a new student). */
  previousStatus: StudentStatus | undefined;
}

export function createStudentService(deps: { sequelize: Sequelize; models: Pick<Models, 'Creator' | 'Student'> }) {
  const { Creator, Student } = deps.models;

  async function lockCreator(creatorId: number, transaction: Transaction): Promise<Creator> {
    const creator = await Creator.findByPk(creatorId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!creator) throw new Error(`creator ${creatorId} not found`);
    return creator;
  }

  async function activeCount(creatorId: number, transaction: Transaction): Promise<number> {
    return Student.count({ where: { creatorId, status: 'active' }, transaction });
  }

  function inTransaction<T>(outer: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> {
    return outer ? work(outer) : deps.sequelize.transaction(work);
  }

  return {
    /**
     * Applies one membership of the creator's products. A change older (`updated_at`) than what
     * is stored is skipped (`stale`); invalid memberships make the student inactive.
     */
    applyMembership(creatorId: number, membership: WhopMembership, outer?: Transaction): Promise<AppliedMembership> {
      return inTransaction(outer, async (transaction) => {
        const creator = await lockCreator(creatorId, transaction);
        const existing = await Student.findOne({ where: { creatorId, whopUserId: membership.userId }, transaction });
        if (existing?.membershipUpdatedAt && existing.membershipUpdatedAt.getTime() > membership.updatedAt.getTime()) {
          return { student: existing, change: 'stale', previousStatus: existing.status };
        }
        // Another membership of this student keeps them in: a different one ending changes nothing.
        if (existing && !membership.valid && existing.whopMembershipId !== membership.id && existing.status === 'active' && existing.membershipStatus && ['active', 'trialing', 'canceling'].includes(existing.membershipStatus)) {
          return { student: existing, change: 'unchanged', previousStatus: existing.status };
        }
        let status: StudentStatus = 'inactive';
        if (membership.valid) {
          const limit = tierDefinition(creator.tier).limits.students;
          status = existing?.status === 'active' || limit === null || (await activeCount(creatorId, transaction)) < limit ? 'active' : 'over_limit';
        }
        const fields = {
          ...(membership.username ? { username: membership.username } : {}),
          whopMembershipId: membership.id,
          whopProductId: membership.productId,
          status,
          membershipStatus: membership.status,
          membershipUpdatedAt: membership.updatedAt,
        };
        if (!existing) {
          const student = await Student.create({ creatorId, whopUserId: membership.userId, ...fields, joinedAt: membership.createdAt ?? new Date() }, { transaction });
          return { student, change: 'created', previousStatus: undefined };
        }
        const previousStatus = existing.status;
        await existing.update(fields, { transaction });
        return { student: existing, change: 'updated', previousStatus };
      });
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

    async page(creatorId: number, options: { page: number; pageSize: number }) {
      const { rows, count } = await Student.findAndCountAll({
        where: { creatorId, status: { [Op.ne]: 'archived' } },
        order: [['status', 'ASC'], ['joinedAt', 'ASC'], ['id', 'ASC']],
        limit: options.pageSize,
        offset: (options.page - 1) * options.pageSize,
      });
      return { students: rows, total: count, pages: Math.max(1, Math.ceil(count / options.pageSize)) };
    },

    countByStatus(creatorId: number) {
      return Student.count({ where: { creatorId }, group: ['status'] }) as unknown as Promise<{ status: StudentStatus; count: number }[]>;
    },

    /** The creators whose student this Whop user is (for the student dashboard). */
    memberships(whopUserId: string) {
      return Student.findAll({ where: { whopUserId }, include: [{ model: Creator, as: 'creator' }], order: [['joinedAt', 'ASC']] });
    },
  };
}

export type StudentService = ReturnType<typeof createStudentService>;
