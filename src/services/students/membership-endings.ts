/**
 * How a student loses access without a new membership granting it: a deleted membership
 * (`membership.deleted`) and the end of a `past_due` membership's grace period (the grace period
 * job). Both run under the creator's row lock and hand freed seats to the earliest waiting students.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { assignSeats } from './seat-assignment.ts';
import { tierDefinition } from '../../domain/tier-table.ts';
import { EXPIRED_GRACE, endExpiredGrace, settleStanding, storeMembership } from './student-memberships.ts';
import { holdsOrAwaitsSeat, inTransaction, lockCreator, storedStudent } from './stored-students.ts';

export type ArchiveOutcome = 'archived' | 'stale' | 'kept' | 'none';

export function createMembershipEndings(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator'>;
  now: () => number;
}) {
  const { Creator } = deps.models;
  const { now } = deps;

  return {
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
      return inTransaction(deps.sequelize, outer, async (transaction) => {
        const creator = await lockCreator(Creator, creatorId, transaction);
        const existing = await storedStudent(deps.sequelize, creatorId, membership, transaction);
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
          const creator = await lockCreator(Creator, creatorId, transaction);
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
  };
}
