/**
 * Which tier a set of Chronos plan memberships grants: the best tier among the valid
 * memberships of Chronos's own company whose product (or plan) is in WHOP_TIER_PRODUCTS.
 * An id that is not in the map never grants a paid tier; no valid membership means free.
 */
import type { WhopMembership } from '../whop/whop-membership.ts';
import { tierRank, type Tier } from '../../domain/tier-table.ts';

export interface ResolvedTier {
  tier: Tier;
  membership: WhopMembership | null;
}

export function resolveTier(
  memberships: readonly WhopMembership[],
  chronosCompanyId: string,
  tierProducts: Readonly<Record<string, Tier>>,
): ResolvedTier {
  let best: ResolvedTier = { tier: 'free', membership: null };
  for (const membership of memberships) {
    if (membership.companyId !== chronosCompanyId || !membership.valid) continue;
    const tier =
      tierProducts[membership.productId] ?? (membership.planId ? tierProducts[membership.planId] : undefined);
    if (tier && tierRank(tier) > tierRank(best.tier)) best = { tier, membership };
  }
  return best;
}
