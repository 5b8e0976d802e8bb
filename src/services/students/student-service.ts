/**
 * Students of a creator, kept in step with the memberships of the creator's products.
 * Every change runs in a transaction holding the creator's row lock, and re-applies the seat
 * rule (seat-assignment.ts) before it commits whenever the change can move a seat: the students who joined first
 * (membership `created_at`) hold the seats of the creator's tier, the rest wait `over_limit` (no access).
 * A freed seat goes to the earliest waiting student at once, whatever order events arrive in.
 * A student holds every membership they have of the creator's products (student-memberships.ts)
 * and has access while any of them grants it. A membership is applied by membership-apply.ts;
 * deletions and the end of grace periods are membership-endings.ts.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { assignSeats, type SeatChanges } from './seat-assignment.ts';
import { createMembershipApply, type AppliedMembership } from './membership-apply.ts';
import { createMembershipEndings } from './membership-endings.ts';
import { inTransaction, lockCreator } from './stored-students.ts';

export type { AppliedMembership, MembershipChange } from './membership-apply.ts';
export type { ArchiveOutcome } from './membership-endings.ts';

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
  const applyToLockedCreator = createMembershipApply({ sequelize: deps.sequelize, now, graceMs });

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
      return inTransaction(deps.sequelize, outer, async (transaction) => {
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
      return inTransaction(deps.sequelize, outer, async (transaction) => {
        const creator = await lockCreator(Creator, creatorId, transaction);
        return assignSeats(deps.sequelize, creator, transaction);
      });
    },

    // archiveMembership and expireGracePeriods (membership-endings.ts)
    ...createMembershipEndings({ sequelize: deps.sequelize, models: { Creator }, now }),

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
