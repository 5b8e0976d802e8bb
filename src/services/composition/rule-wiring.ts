/**
 * The business rules a membership or payment runs through, wired once: students and their seats,
 * creators' tiers, plans, usage and the grace period, and the handler of each kind of Whop event
 * over them. The app builds them here (billing-services.ts, delivery-services.ts), and so do the
 * tests that move the clock (test/support/rule-services.ts), so both run the same wiring.
 */
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Config } from '../../config/config.ts';
import type { Models } from '../../models/init-models.ts';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { BrandingService } from '../branding/branding-service.ts';
import { createStudentService } from '../students/student-service.ts';
import { createCreatorTierService } from '../tiers/creator-tier-service.ts';
import { createPlansService } from '../tiers/plans-service.ts';
import { createUsageService } from '../usage/usage-service.ts';
import { createGracePeriodService } from '../billing/grace-period-service.ts';
import { createMembershipEventHandler } from '../webhooks/membership-event-handler.ts';
import { createPaymentEventHandler } from '../webhooks/payment-event-handler.ts';
import { createRefundEventHandler } from '../webhooks/refund-event-handler.ts';
import { createDisputeEventHandler } from '../webhooks/dispute-event-handler.ts';
import { createInvoiceEventHandler } from '../webhooks/invoice-event-handler.ts';

export interface RuleInputs {
  config: Readonly<Config>;
  sequelize: Sequelize;
  models: Models;
  whop: WhopApiClient;
  cache: CacheService;
  logger: Logger;
  /** Chronos's one clock (ms). */
  now: () => number;
  /** How long Whop answers about plans are cached (the tier service's default when unset). */
  tierCacheTtlMs?: number;
}

export function buildRules({ config, sequelize, models, whop, cache, logger, now, tierCacheTtlMs }: RuleInputs) {
  const students = createStudentService({ sequelize, models, gracePeriodDays: config.gracePeriodDays, now });
  const tiers = createCreatorTierService({
    config,
    sequelize,
    models,
    whop,
    cache,
    students,
    logger,
    ttlMs: tierCacheTtlMs,
    now,
  });
  const plans = createPlansService({ checkoutUrls: config.whop.checkoutUrls, pricingUrl: `${config.appUrl}/pricing` });
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
  return { students, tiers, plans, usage, grace };
}

export type Rules = ReturnType<typeof buildRules>;

/** The handler of each kind of Whop event the worker applies (app installations aside). */
export function buildEventHandlers(
  { config, sequelize, models, logger, now }: Omit<RuleInputs, 'whop' | 'cache' | 'tierCacheTtlMs'>,
  { students, tiers, grace }: Pick<Rules, 'students' | 'tiers' | 'grace'>,
  branding?: Pick<BrandingService, 'forEmail'>,
) {
  const deps = {
    branding,
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
    memberships: createMembershipEventHandler(deps),
    payments: createPaymentEventHandler(deps),
    refunds: createRefundEventHandler(deps),
    disputes: createDisputeEventHandler(deps),
    invoices: createInvoiceEventHandler(deps),
  };
}
