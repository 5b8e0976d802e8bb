/**
 * Where a creator changes or cancels their Chronos plan: Whop's `manage_url` of the plan
 * membership their tier comes from (`creators.tier_source_membership_id`), as stored from
 * webhooks and reconciliation, so no page view waits for Whop.
 */
import type { Models } from '../../models/init-models.ts';

export function createPlanManagementQuery(deps: { models: Pick<Models, 'PlanMembership'> }) {
  return {
    /** The manage link of the membership behind the creator's tier; null on Free or when Whop sent none. */
    async manageUrlOf(creator: { tierSourceMembershipId: string | null }): Promise<string | null> {
      if (!creator.tierSourceMembershipId) return null;
      const row = await deps.models.PlanMembership.findByPk(creator.tierSourceMembershipId, {
        attributes: ['manageUrl'],
      });
      return row?.manageUrl ?? null;
    },
  };
}

export type PlanManagementQuery = ReturnType<typeof createPlanManagementQuery>;
