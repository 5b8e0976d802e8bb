/**
 * The business-rule services wired on a test app's real database, the way build-services.ts
 * wires them, but on a movable clock: `clock.set(ms)` / `clock.advance(ms)` is what "now" is
 * for every service built here. No Whop call is made by the rules these tests drive (the plan
 * memberships come from the database), so the app's own Whop client and cache are reused.
 */
import type { TestApp } from './test-runtime.ts';
import { capturingLogger } from './test-runtime.ts';
import { createStudentService } from '../../src/services/students/student-service.ts';
import { createCreatorTierService } from '../../src/services/tiers/creator-tier-service.ts';
import { createGracePeriodService } from '../../src/services/billing/grace-period-service.ts';
import { createUsageService } from '../../src/services/usage/usage-service.ts';
import { createMembershipEventHandler } from '../../src/services/webhooks/membership-event-handler.ts';
import { createPaymentEventHandler } from '../../src/services/webhooks/payment-event-handler.ts';
import { createRefundEventHandler } from '../../src/services/webhooks/refund-event-handler.ts';
import { createDisputeEventHandler } from '../../src/services/webhooks/dispute-event-handler.ts';
import { createInvoiceEventHandler } from '../../src/services/webhooks/invoice-event-handler.ts';
import { createPlansService } from '../../src/services/tiers/plans-service.ts';
import type { TestClock } from './test-clock.ts';
import { logRecords } from './log-records.ts';

export const DAY_MS = 86_400_000;

export { testClock } from './test-clock.ts';

export function ruleServices(t: TestApp, clock: TestClock) {
  const { config, sequelize, models, services } = t.runtime.deps;
  const { logger, lines: logLines } = capturingLogger();
  const now = () => clock.now();
  const students = createStudentService({ sequelize, models, gracePeriodDays: config.gracePeriodDays, now });
  const tiers = createCreatorTierService({
    config,
    sequelize,
    models,
    whop: services.whop,
    cache: services.cache,
    students,
    logger,
    now,
  });
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
  const usage = createUsageService({
    sequelize,
    plans: createPlansService({ checkoutUrls: config.whop.checkoutUrls, pricingUrl: `${config.appUrl}/pricing` }),
    now: () => new Date(now()),
  });
  const handlerDeps = {
    sequelize,
    models,
    students,
    tiers,
    grace,
    chronosCompanyId: config.whop.companyId,
    tierProducts: config.whop.tierProducts,
    appUrl: config.appUrl,
    logger,
    now,
  };
  return {
    students,
    tiers,
    grace,
    usage,
    logLines,
    /** The structured log records written so far. */
    logRecords: () => logRecords(logLines),
    handlers: {
      memberships: createMembershipEventHandler(handlerDeps),
      payments: createPaymentEventHandler(handlerDeps),
      refunds: createRefundEventHandler(handlerDeps),
      disputes: createDisputeEventHandler(handlerDeps),
      invoices: createInvoiceEventHandler(handlerDeps),
    },
  };
}

export type RuleServices = ReturnType<typeof ruleServices>;
