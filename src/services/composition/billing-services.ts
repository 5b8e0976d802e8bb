/**
 * Tiers and what they buy: students, creators' tiers, plans and their prices, checkout, usage,
 * the grace period after a failed payment, and reconciliation with Whop.
 */
import { createPlanPricesService } from '../pricing/plan-prices-service.ts';
import { createPlanManagementQuery } from '../pricing/plan-management-query.ts';
import { createCheckoutService } from '../pricing/checkout-service.ts';
import { createReconciliationService } from '../reconciliation/reconciliation-service.ts';
import type { CompositionInputs } from './composition-inputs.ts';
import { buildRules } from './rule-wiring.ts';
import type { WhopAuthServices } from './whop-auth-services.ts';

export function buildBillingServices(
  { infra, overrides, now }: CompositionInputs,
  { whop, creatorAccess }: Pick<WhopAuthServices, 'whop' | 'creatorAccess'>,
) {
  const { config, logger, models, sequelize, cache } = infra;
  const { students, tiers, plans, usage, grace } = buildRules({
    config,
    sequelize,
    models,
    whop,
    cache,
    logger,
    now,
    tierCacheTtlMs: overrides.tierCacheTtlMs,
  });
  const planPrices = createPlanPricesService({
    whop,
    cache,
    tierProducts: config.whop.tierProducts,
    companyId: config.whop.companyId,
    logger,
    ttlMs: overrides.planPricesTtlMs,
  });
  const reconciliation = createReconciliationService({
    models,
    sequelize,
    whop,
    students,
    tiers,
    grace,
    locks: infra.locks,
    access: creatorAccess,
    chronosCompanyId: config.whop.companyId,
    logger,
    wait: overrides.reconcileWait,
  });
  return {
    students,
    tiers,
    usage,
    grace,
    reconciliation,
    plans,
    planPrices,
    planManagement: createPlanManagementQuery({ models }),
    /** Checkout of a higher tier through a Whop checkout configuration that returns to /billing/return. */
    checkout: createCheckoutService({
      whop,
      planPrices,
      fallbackCheckoutFor: (tier) => plans.checkoutFor(tier),
      appUrl: config.appUrl,
      logger,
    }),
  };
}

export type BillingServices = ReturnType<typeof buildBillingServices>;
