/**
 * Tiers and what they buy: students, creators' tiers, plans and their prices, checkout, usage,
 * the grace period after a failed payment, and reconciliation with Whop.
 */
import { createStudentService } from '../students/student-service.ts';
import { createCreatorTierService } from '../tiers/creator-tier-service.ts';
import { createPlansService } from '../tiers/plans-service.ts';
import { createPlanPricesService } from '../pricing/plan-prices-service.ts';
import { createPlanManagementQuery } from '../pricing/plan-management-query.ts';
import { createCheckoutService } from '../pricing/checkout-service.ts';
import { createUsageService } from '../usage/usage-service.ts';
import { createGracePeriodService } from '../billing/grace-period-service.ts';
import { createReconciliationService } from '../reconciliation/reconciliation-service.ts';
import type { CompositionInputs } from './composition-inputs.ts';
import type { WhopAuthServices } from './whop-auth-services.ts';

export function buildBillingServices(
  { infra, overrides, now }: CompositionInputs,
  { whop, creatorAccess }: Pick<WhopAuthServices, 'whop' | 'creatorAccess'>,
) {
  const { config, logger, models, sequelize, cache } = infra;
  const students = createStudentService({ sequelize, models, gracePeriodDays: config.gracePeriodDays, now });
  const tiers = createCreatorTierService({
    config,
    sequelize,
    models,
    whop,
    cache,
    students,
    logger,
    ttlMs: overrides.tierCacheTtlMs,
    now,
  });
  const plans = createPlansService({ checkoutUrls: config.whop.checkoutUrls, pricingUrl: `${config.appUrl}/pricing` });
  const planPrices = createPlanPricesService({
    whop,
    cache,
    tierProducts: config.whop.tierProducts,
    companyId: config.whop.companyId,
    logger,
    ttlMs: overrides.planPricesTtlMs,
  });
  const usage = createUsageService({ sequelize, plans, now: () => new Date(now()) });
  const grace = createGracePeriodService({
    sequelize,
    models,
    tiers,
    students,
    gracePeriodDays: config.gracePeriodDays,
    appUrl: config.appUrl,
    logger,
    now,
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
