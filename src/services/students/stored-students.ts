/**
 * The student rows the student service changes, read under the creator's row lock: the lock
 * itself, the stored student a membership is about, and the transaction a change runs in.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';

/** A stored student's columns; times are Dates, or ISO strings when read as JSON (`findOrCreate`). */
export interface StoredStudent {
  id: number;
  whop_user_id: string;
  status: StudentStatus;
  whop_membership_id: string | null;
  joined_at: Date | string;
}

export const STORED = 'id, whop_user_id, status, whop_membership_id, joined_at';

export const holdsOrAwaitsSeat = (status: StudentStatus) => status === 'active' || status === 'over_limit';

export async function lockCreator(
  Creator: Models['Creator'],
  creatorId: number,
  transaction: Transaction,
): Promise<Creator> {
  const creator = await Creator.findByPk(creatorId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!creator) throw new Error(`creator ${creatorId} not found`);
  return creator;
}

/**
 * The stored student this membership is about: by Whop user; for a membership without a user
 * (`user: null`: deleted account, unclaimed), by the membership id, then the Whop member id.
 */
export async function storedStudent(
  sequelize: Sequelize,
  creatorId: number,
  m: WhopMembership,
  transaction: Transaction,
): Promise<StoredStudent | undefined> {
  const by = async (where: string, replacements: Record<string, unknown>) =>
    (
      await sequelize.query<StoredStudent>(
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

/** Runs `work` in the caller's transaction, or in a new one. */
export function inTransaction<T>(
  sequelize: Sequelize,
  outer: Transaction | undefined,
  work: (t: Transaction) => Promise<T>,
): Promise<T> {
  return outer ? work(outer) : sequelize.transaction(work);
}
