/**
 * The comparison on `/pricing`, built from the one tier table: per tier its limits, the
 * features that exist (never one that is only planned), its price from Whop, and what the
 * visitor can do about it (their current plan, or a checkout for any higher tier). Pure: the
 * caller reads prices and the visitor's tier first.
 */
import {
  AI_CREDITS_DESCRIPTION,
  FEATURE_DESCRIPTIONS,
  shownFeatures,
  TIER_TABLE,
  TIERS,
  tierRank,
  type Feature,
  type Tier,
  type TierLimits,
} from '../../domain/tier-table.ts';
import type { PlanPrice, PlanPrices } from './plan-prices-service.ts';

export interface PricingColumn {
  tier: Tier;
  name: string;
  limits: TierLimits;
  features: { key: Feature; title: string; description: string }[];
  /** Free for the free tier, Whop's price, or null: "price shown at checkout". */
  price: PlanPrice | 'free' | null;
  current: boolean;
  /** A signed-in creator below this tier may check it out (`POST /pricing/checkout`). */
  canUpgrade: boolean;
}

export interface PricingTable {
  columns: PricingColumn[];
  /** Every feature some column shows, in table order: the rows of the comparison. */
  featureRows: { key: Feature; title: string; description: string }[];
  aiCredits: typeof AI_CREDITS_DESCRIPTION;
}

export function pricingTable(input: {
  prices: PlanPrices;
  /** The signed-in creator's tier; undefined for anyone else. */
  currentTier: Tier | undefined;
  supportContact: boolean;
}): PricingTable {
  const describe = (key: Feature) => ({ key, ...FEATURE_DESCRIPTIONS[key] });
  const columns = TIERS.map((tier): PricingColumn => {
    const above = input.currentTier !== undefined && tierRank(tier) > tierRank(input.currentTier);
    return {
      tier,
      name: TIER_TABLE[tier].name,
      limits: TIER_TABLE[tier].limits,
      features: shownFeatures(tier, { supportContact: input.supportContact }).map(describe),
      price: tier === 'free' ? 'free' : (input.prices[tier] ?? null),
      current: tier === input.currentTier,
      canUpgrade: above,
    };
  });
  const shown = new Set(columns.flatMap((c) => c.features.map((f) => f.key)));
  const featureRows = shownFeatures('enterprise', { supportContact: input.supportContact })
    .filter((key) => shown.has(key))
    .map(describe);
  return { columns, featureRows, aiCredits: AI_CREDITS_DESCRIPTION };
}

/** `$19.00`, or the figure and the code for a currency Intl does not know. */
export function formatPrice(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** "per month", "per year", "every 14 days", or "once" for a one-time plan. */
export function formatBillingPeriod(days: number | null): string {
  if (days === null) return 'once';
  if (days === 1) return 'per day';
  if (days === 7) return 'per week';
  if (days >= 28 && days <= 31) return 'per month';
  if (days === 365 || days === 366) return 'per year';
  return `every ${days} days`;
}
