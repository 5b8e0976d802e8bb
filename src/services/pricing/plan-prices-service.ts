/**
 * The price of each paid tier as Whop sells it: the plan behind the tier's entry in
 * `WHOP_TIER_PRODUCTS` (a `plan_…` id is read as it is; a product id stands for its first
 * visible plan, the one a checkout link of the product sells). Read through the app's Whop
 * client and cached, so the public pricing page costs Whop one call per tier per TTL. When Whop
 * cannot be reached the tier has no price and the page says "price shown at checkout"; that
 * answer is cached briefly too, so an outage does not make every page view wait for Whop.
 */
import type { Logger } from 'pino';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import { TIERS, type Tier } from '../../domain/tier-table.ts';
import { errorMessage } from '../../domain/app-errors.ts';

/** A plan's price as Whop states it (amounts in the currency's units, as Whop sends them). */
export interface PlanPrice {
  planId: string;
  initialPrice: number;
  renewalPrice: number;
  /** Lower-case ISO 4217, as Whop sends it. */
  currency: string;
  /** Days between charges; null for a one-time plan. */
  billingPeriodDays: number | null;
}

export type PlanPrices = Partial<Record<Tier, PlanPrice>>;

/** The fields of a plan that both `plans.retrieve` and `plans.list` return. */
interface WhopPlan {
  id: string;
  initial_price: number;
  renewal_price: number;
  currency: string;
  billing_period: number | null;
  plan_type: string;
  visibility: string;
}

const CACHE_KEY = 'plan-prices:v1';

export function createPlanPricesService(deps: {
  whop: Pick<WhopApiClient, 'getPlan' | 'listPlans'>;
  cache: CacheService;
  /** WHOP_TIER_PRODUCTS: product or plan id → tier. */
  tierProducts: Readonly<Record<string, Tier>>;
  /** Chronos's own company on Whop, which sells the plans. */
  companyId: string;
  logger: Logger;
  /** How long prices read from Whop are kept (default 10 minutes). */
  ttlMs?: number;
  /** How long "Whop did not answer" is kept (default 1 minute). */
  failureTtlMs?: number;
}) {
  const ttlMs = deps.ttlMs ?? 600_000;
  const failureTtlMs = deps.failureTtlMs ?? 60_000;

  /** The first configured id of `tier`, plan ids before product ids (a plan names the price exactly). */
  function whopIdOf(tier: Tier): string | undefined {
    const ids = Object.entries(deps.tierProducts)
      .filter(([, t]) => t === tier)
      .map(([id]) => id);
    return ids.find((id) => id.startsWith('plan_')) ?? ids[0];
  }

  async function planOf(whopId: string): Promise<WhopPlan | undefined> {
    if (whopId.startsWith('plan_')) return deps.whop.getPlan(whopId);
    const plans = await deps.whop.listPlans(deps.companyId, whopId);
    return plans.find((p) => p.visibility === 'visible') ?? plans[0];
  }

  function priceOf(plan: WhopPlan): PlanPrice {
    return {
      planId: plan.id,
      initialPrice: plan.initial_price,
      renewalPrice: plan.renewal_price,
      currency: plan.currency,
      billingPeriodDays: plan.plan_type === 'one_time' ? null : plan.billing_period,
    };
  }

  async function fromWhop(): Promise<{ prices: PlanPrices; complete: boolean }> {
    const prices: PlanPrices = {};
    let complete = true;
    // The tiers are read side by side, so a slow or failing Whop costs one wait, not three.
    await Promise.all(
      TIERS.map(async (tier) => {
        const whopId = whopIdOf(tier);
        if (!whopId) return;
        try {
          const plan = await planOf(whopId);
          if (plan) prices[tier] = priceOf(plan);
        } catch (error) {
          complete = false;
          deps.logger.warn({ tier, whopId, err: { message: errorMessage(error) } }, 'plan price not read from whop');
        }
      }),
    );
    return { prices, complete };
  }

  return {
    /** The price of each paid tier Whop answered for; a tier without one is "shown at checkout". */
    async prices(): Promise<PlanPrices> {
      const cached = await deps.cache.get<PlanPrices>(CACHE_KEY);
      if (cached) return cached;
      const { prices, complete } = await fromWhop();
      await deps.cache.set(CACHE_KEY, prices, complete ? ttlMs : failureTtlMs);
      return prices;
    },
  };
}

export type PlanPricesService = ReturnType<typeof createPlanPricesService>;
