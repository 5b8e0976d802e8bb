/**
 * Chronos's plans as a creator meets them: where a creator on a tier goes to upgrade, where a
 * locked feature sends them, and what a creator's pages and `/api/me` show about their plan
 * (tier, limits with null for unlimited, usage this month, features, the upgrade link).
 *
 * Every upgrade link (pages, `/api/me`, the JSON of 403 `limit_exceeded` and `feature_locked`)
 * is the pricing page, absolute from `APP_URL`: from there the checkout is a Whop checkout
 * configuration that comes back to `/billing/return`, which a static checkout link cannot do.
 * The configured checkout URLs per tier (`WHOP_CHECKOUT_URLS`) are only the pricing page's
 * fallback when Whop does not answer (`checkoutFor`).
 */
import type { Usage } from '../usage/usage-service.ts';
import {
  nextTier,
  tierDefinition,
  tierUnlocking,
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

export function createPlansService(deps: {
  checkoutUrls: Readonly<Partial<Record<Tier, string>>>;
  /** The pricing page, absolute (`$APP_URL/pricing`). */
  pricingUrl: string;
}) {
  const { checkoutUrls, pricingUrl } = deps;

  /** Where a creator on `tier` goes to upgrade: the pricing page; null at the top tier. */
  function upgradeUrl(tier: Tier): string | null {
    return nextTier(tier) ? pricingUrl : null;
  }

  return {
    upgradeUrl,

    /** The checkout of exactly `tier` (the pricing page offers each higher tier its own); null when it has none. */
    checkoutFor(tier: Tier): string | null {
      return checkoutUrls[tier] ?? null;
    },

    /** Where a locked feature sends a creator: the pricing page, at the plan that unlocks it. */
    upgradeForFeature(feature: Feature): string {
      return `${pricingUrl}#plan-${tierUnlocking(feature)}`;
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
