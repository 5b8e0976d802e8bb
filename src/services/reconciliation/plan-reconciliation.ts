/**
 * The plans side of a reconciliation: Chronos's own company's memberships (the creators' plans)
 * read from Whop's API and compared with what is stored, then each creator's tier set from them.
 */
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import { WhopRateLimitError } from '../whop/whop-errors.ts';
import { errorMessage } from '../../domain/app-errors.ts';
import { RATE_LIMITED, type ReconciliationSummary } from './reconciliation-summary.ts';

export function createPlanReconciliation(deps: {
  models: Pick<Models, 'Creator' | 'User' | 'PlanMembership'>;
  sequelize: Sequelize;
  whop: WhopApiClient;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  logger: Logger;
}) {
  /**
   * Stores the Chronos plan memberships as Whop has them now, then sets each creator's tier from
   * them, by the webhook's rules: a plan that turned past_due (its webhook missed) starts the
   * grace period first, so the tier is held rather than dropped.
   */
  async function plans(summary: ReconciliationSummary): Promise<void> {
    const turnedPastDue = new Set<string>();
    try {
      const memberships = await deps.whop.listMemberships({ companyId: deps.chronosCompanyId });
      summary.companies += 1;
      const stored = await deps.models.PlanMembership.findAll({
        where: { whopMembershipId: memberships.map((m) => m.id) },
        attributes: ['whopMembershipId', 'status'],
      });
      const statusBefore = new Map(stored.map((row) => [row.whopMembershipId, row.status]));
      for (const membership of memberships) {
        // `user: null` (deleted account, unclaimed): no creator to hold it against; settled, not an error.
        if (!membership.userId) {
          deps.logger.info(
            { membershipId: membership.id },
            'plan membership without a user skipped: deleted account or unclaimed',
          );
          continue;
        }
        if ((await deps.tiers.recordPlanMembership(membership)) !== 'stored') continue;
        summary.planMemberships += 1;
        if (membership.status === 'past_due' && statusBefore.get(membership.id) !== 'past_due')
          turnedPastDue.add(membership.userId);
      }
    } catch (error) {
      // Nothing of the plans was applied yet: no tier changes this run.
      if (error instanceof WhopRateLimitError)
        summary.unreconciled.push({ companyId: deps.chronosCompanyId, reason: RATE_LIMITED });
      else summary.errors.push(`${deps.chronosCompanyId}: ${errorMessage(error)}`);
      return;
    }
    const creators = await deps.models.Creator.findAll({ order: [['id', 'ASC']] });
    const owners = new Map(
      (await deps.models.User.findAll({ where: { id: creators.map((c) => c.ownerUserId) } })).map((user) => [
        user.id,
        user,
      ]),
    );
    for (const creator of creators) {
      const owner = owners.get(creator.ownerUserId);
      if (!owner) continue;
      if (
        turnedPastDue.has(owner.whopUserId) &&
        (await deps.sequelize.transaction((transaction) => deps.grace.start(creator, transaction)))
      )
        summary.gracePeriodsStarted += 1;
      const change = await deps.tiers.applyStoredPlan(creator, owner.whopUserId);
      if (change.before !== change.after)
        summary.tierChanges.push({ creatorId: creator.id, from: change.before, to: change.after });
    }
  }

  return plans;
}
