/**
 * Chronos's plans as a creator meets them: where a creator on a tier goes to upgrade, which
 * checkout unlocks a feature, and what a creator's pages and `/api/me` show about their plan
 * (tier, limits with null for unlimited, usage this month, features, the upgrade link).
 * The checkouts are the configured Whop checkout URLs per tier; a tier may have none.
 */
import type { Usage } from '../usage/usage-service.ts';
import {
  nextTier,
  tierDefinition,
  tierRank,
  tierUnlocking,
  TIERS,
  type Feature,
  type Tier,
  type TierLimits,
} from '../../domain/tier-table.ts';

export interface CreatorPlan {
  tier: Tier;
  tierName: string;
  limits: TierLimits;
  usage: Usage;
  features: readonly Feature[];
  upgradeUrl: string | null;
}

export function createPlansService(checkoutUrls: Readonly<Partial<Record<Tier, string>>>) {
  /** The checkout of the lowest tier at or above `atLeast` that has one; null when none has. */
  function checkoutAtLeast(atLeast: Tier): string | null {
    for (const candidate of TIERS.filter((t) => tierRank(t) >= tierRank(atLeast))) {
      const url = checkoutUrls[candidate];
      if (url) return url;
    }
    return null;
  }

  /** Where a creator on `tier` goes to upgrade: the next tier up (or higher) with a checkout; null at the top. */
  function upgradeUrl(tier: Tier): string | null {
    const next = nextTier(tier);
    return next ? checkoutAtLeast(next) : null;
  }

  return {
    upgradeUrl,

    /** The checkout of exactly `tier` (the pricing page offers each higher tier its own); null when it has none. */
    checkoutFor(tier: Tier): string | null {
      return checkoutUrls[tier] ?? null;
    },

    /** The checkout of the lowest tier that unlocks `feature` (or a higher one with a checkout). */
    checkoutForFeature(feature: Feature): string | null {
      return checkoutAtLeast(tierUnlocking(feature));
    },

    /** The plan of a creator on `tier`, with their usage already read. */
    planOf(tier: Tier, usage: Usage): CreatorPlan {
      const definition = tierDefinition(tier);
      return {
        tier,
        tierName: definition.name,
        limits: { ...definition.limits },
        usage,
        features: definition.features,
        upgradeUrl: upgradeUrl(tier),
      };
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
