/** Wires the services from the infrastructure: the one place that knows who uses what. */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import type { Models } from '../models/init-models.ts';
import type { TokenSafeSessionStore } from '../sessions/token-safe-session-store.ts';
import type { LockService } from '../infra/locks/lock-service.ts';
import { TokenCipher } from './whop/token-cipher.ts';
import { WhopOidcClient } from './whop/whop-oidc-client.ts';
import { createUserService } from './user-service.ts';
import { createRoleService } from './role-service.ts';
import { createSignInService } from './auth/sign-in-service.ts';
import { SessionTokenVault } from '../sessions/session-token-vault.ts';
import type { CacheService } from '../infra/cache/cache-service.ts';
import { buildWhopAppServices } from './whop-app/whop-app-services.ts';
import { createExperienceRecords } from './whop-app/experience-records.ts';
import { WhopApiClient } from './whop/whop-api-client.ts';
import { createStudentService } from './students/student-service.ts';
import { createCreatorTierService } from './tiers/creator-tier-service.ts';
import { createPlansService } from './tiers/plans-service.ts';
import { createPlanPricesService } from './pricing/plan-prices-service.ts';
import { createPlanManagementQuery } from './pricing/plan-management-query.ts';
import { createCheckoutService } from './pricing/checkout-service.ts';
import { createUsageService } from './usage/usage-service.ts';
import { createCreatorDashboardQuery } from './creator-dashboard-query.ts';
import { createOnboardingService } from './onboarding-service.ts';
import { createCreatorAccessService } from './creator-access-service.ts';
import { whopInstallUrl } from './whop/install-link.ts';
import { createTierOverviewService } from './admin/tier-overview-service.ts';
import { createAnalyticsService } from './analytics/analytics-service.ts';
import type { Sequelize } from 'sequelize';
import type { PreparedReads } from '../db/prepared-reads.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createReconciliationService } from './reconciliation-service.ts';
import { createOperationsOverviewService } from './admin/operations-overview-service.ts';
import { createWebhookEventListQuery } from './admin/webhook-event-list-query.ts';
import { createCreatorInspectionQuery } from './admin/creator-inspection-query.ts';
import { createGracePeriodService } from './billing/grace-period-service.ts';
import { createEventProcessor } from './webhooks/event-processor.ts';
import { createAppInstallationEventHandler } from './webhooks/app-installation-event-handler.ts';
import { createMembershipEventHandler } from './webhooks/membership-event-handler.ts';
import { createPaymentEventHandler } from './webhooks/payment-event-handler.ts';
import { createRefundEventHandler } from './webhooks/refund-event-handler.ts';
import { createDisputeEventHandler } from './webhooks/dispute-event-handler.ts';
import { createInvoiceEventHandler } from './webhooks/invoice-event-handler.ts';
import { createWebhookWorker } from './webhooks/webhook-worker.ts';
import { createMailTransport } from './email/mail-transport.ts';
import { createEmailSender } from './email/email-sender.ts';
import { PATHS } from '../http/route-paths.ts';
import { createWebhookVerifier } from './whop/webhook-verifier.ts';
import { createWebhookInbox } from './webhooks/webhook-inbox.ts';
import { createReadinessService } from './readiness-service.ts';
import type { MediaStorage } from '../infra/storage/media-storage.ts';
import { createVideoLibrary } from './videos/video-library.ts';
import { createUploadService } from './videos/upload-service.ts';
import { createUploadReservations } from './videos/upload-reservations.ts';
import { createMediaProbe } from './videos/media-probe.ts';
import { createStorageSweeper } from './videos/storage-sweeper.ts';
import { tusUploadLocker } from '../infra/locks/tus-upload-locker.ts';
import { createCourseAccessService } from './watching/course-access-service.ts';
import { createMediaUrlSigner } from './watching/media-url-signer.ts';
import { createVideoRefusals } from './watching/video-refusal-service.ts';
import { createWatchProgressService } from './watching/watch-progress-service.ts';
import { createCourseServices } from './courses/course-services.ts';
import { createVideoEngagementQuery } from './watching/video-engagement-query.ts';
import { createBrandingService } from './branding/branding-service.ts';
import { createApiTokenService } from './api-tokens/api-token-service.ts';
import { createApiCoursesQuery } from './creator-api/api-courses-query.ts';
import { createApiVideosQuery } from './creator-api/api-videos-query.ts';
import { createApiStudentsQuery } from './creator-api/api-students-query.ts';

export interface ServiceOverrides {
  /** Refresh margin for Whop access tokens (tests shorten it). */
  tokenRefreshMarginMs?: number;
  oidcDiscoveryRetryMs?: number;
  /** Waits between retries of Whop REST calls (tests record the delays instead of waiting). */
  whopSleep?: (ms: number) => Promise<void>;
  /** How long Whop answers about plans are cached (default 5 minutes). */
  tierCacheTtlMs?: number;
  /** How long plan prices read from Whop are cached (default 10 minutes). */
  planPricesTtlMs?: number;
  webhookLeaseMs?: number;
  webhookBackoffMs?: (failures: number) => number;
  /** How "Reconcile now" lets its 10 s pass (tests end the wait themselves; a timer by default). */
  reconcileWait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Chronos's one clock (ms): business rules, work queues, locks, the sessions' Whop tokens, the
   * id_token's time checks at sign-in and webhook signature timestamps (tests move it; Date.now by default).
   */
  now?: () => number;
}

export function buildServices(
  infra: {
    config: Readonly<Config>;
    logger: Logger;
    sequelize: Sequelize;
    reads: PreparedReads;
    models: Models;
    redis: Redis | undefined;
    sessionStore: TokenSafeSessionStore;
    locks: LockService;
    /** Shared by every instance when Redis is configured (composition/shared-state.ts). */
    cache: CacheService;
    metrics?: Metrics;
    mediaStorage: MediaStorage;
  },
  overrides: ServiceOverrides = {},
) {
  const { config, logger, models } = infra;
  const now = overrides.now ?? Date.now;
  const oidc = new WhopOidcClient(
    {
      issuer: config.whop.oauthIssuer,
      clientId: config.whop.clientId,
      clientSecret: config.whop.clientSecret,
      redirectUri: `${config.appUrl}${PATHS.callback}`,
      allowInsecureLoopback: !config.isProduction,
      discoveryRetryMs: overrides.oidcDiscoveryRetryMs,
      idTokenAlg: config.whop.idTokenAlg,
      clientAuth: config.whop.oauthClientAuth,
      now,
    },
    logger,
  );
  const users = createUserService(models);
  const roles = createRoleService({ reads: infra.reads, models, adminWhopUserIds: config.adminWhopUserIds });
  const vault = new SessionTokenVault({
    cipher: new TokenCipher(config.whop.tokenEncryptionKeys),
    oidc,
    locks: infra.locks,
    store: infra.sessionStore,
    logger,
    refreshMarginMs: overrides.tokenRefreshMarginMs,
    now,
  });
  const { cache } = infra;
  const whop = new WhopApiClient(
    {
      baseUrl: config.whop.apiBase,
      apiKey: config.whop.apiKey,
      apiVersionDate: config.whop.apiVersionDate,
      appId: config.whop.appId,
      sleep: overrides.whopSleep,
      onCall: (operation, outcome) => infra.metrics?.whopCalls.inc({ operation, outcome }),
    },
    logger,
  );
  const creatorAccess = createCreatorAccessService({ models, whop, logger, now: () => new Date(now()) });
  const installUrl = whopInstallUrl({
    isProduction: config.isProduction,
    oauthIssuer: config.whop.oauthIssuer,
    appId: config.whop.appId,
  });
  const signIn = createSignInService({ oidc, users, creatorAccess, logger, now });
  const students = createStudentService({
    sequelize: infra.sequelize,
    models,
    gracePeriodDays: config.gracePeriodDays,
    now,
  });
  const tiers = createCreatorTierService({
    config,
    sequelize: infra.sequelize,
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
  const usage = createUsageService({ sequelize: infra.sequelize, plans, now: () => new Date(now()) });
  const dashboard = createCreatorDashboardQuery({ reads: infra.reads, now: () => new Date(now()) });
  const grace = createGracePeriodService({
    sequelize: infra.sequelize,
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
    sequelize: infra.sequelize,
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
  const experienceRecords = createExperienceRecords({
    sequelize: infra.sequelize,
    models,
    whop,
    appId: config.whop.appId,
    logger,
    now,
  });
  const onboarding = createOnboardingService({
    models,
    whop,
    tiers,
    reconciliation,
    access: creatorAccess,
    experiences: experienceRecords,
    chronosCompanyId: config.whop.companyId,
    installUrl,
    logger,
  });
  const branding = createBrandingService({
    sequelize: infra.sequelize,
    storage: infra.mediaStorage,
    appUrl: config.appUrl,
    logger,
  });
  const handlerDeps = {
    branding,
    sequelize: infra.sequelize,
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
  const processor = createEventProcessor({
    memberships: createMembershipEventHandler(handlerDeps),
    payments: createPaymentEventHandler(handlerDeps),
    refunds: createRefundEventHandler(handlerDeps),
    disputes: createDisputeEventHandler(handlerDeps),
    invoices: createInvoiceEventHandler(handlerDeps),
    installations: createAppInstallationEventHandler({ experiences: experienceRecords, appId: config.whop.appId }),
  });
  const webhookVerifier = createWebhookVerifier({
    secrets: config.whop.webhookSecrets,
    acceptLegacy: config.webhooks.acceptLegacy,
    now,
  });
  const webhookInbox = createWebhookInbox({ sequelize: infra.sequelize, now: () => new Date(now()) });
  const webhooks = createWebhookWorker({
    sequelize: infra.sequelize,
    processor,
    logger,
    maxAttempts: config.webhooks.maxAttempts,
    leaseMs: overrides.webhookLeaseMs,
    backoffMs: overrides.webhookBackoffMs,
    now: () => new Date(now()),
    onResult: (type, status) => infra.metrics?.webhookEvents.inc({ type, status }),
  });
  const mailTransport = createMailTransport({
    smtpUrl: config.smtpUrl,
    devMailboxUrl: `${config.sandboxOrigin}/sandbox/api/mailbox`,
    logger,
  });
  const emails = createEmailSender({
    sequelize: infra.sequelize,
    models,
    transport: mailTransport,
    mailFrom: config.mailFrom,
    appUrl: config.appUrl,
    logger,
    now: () => new Date(now()),
  });
  const overview = createTierOverviewService({ sequelize: infra.sequelize, now: () => new Date(now()) });
  const analytics = createAnalyticsService({ sequelize: infra.sequelize, now: () => new Date(now()) });
  const operations = createOperationsOverviewService({
    sequelize: infra.sequelize,
    models,
    chronosCompanyId: config.whop.companyId,
    tierProducts: config.whop.tierProducts,
  });
  const videoLibrary = createVideoLibrary({ sequelize: infra.sequelize, mediaStorage: infra.mediaStorage, logger });
  const uploads = createUploadService({
    reservations: createUploadReservations({ sequelize: infra.sequelize, now: () => new Date(now()) }),
    storage: infra.mediaStorage,
    probe: createMediaProbe(),
    plans,
    logger,
    uploadMaxBytes: config.media.uploadMaxBytes,
    uploadExpiryMs: config.media.uploadExpiryMs,
  });
  const storageSweeper = createStorageSweeper({
    sequelize: infra.sequelize,
    storage: infra.mediaStorage,
    logger,
    now,
  });
  const whopApp = buildWhopAppServices({
    config,
    logger,
    models,
    whop,
    cache,
    roles,
    records: experienceRecords,
    now,
  });
  const courseServices = createCourseServices({ sequelize: infra.sequelize, whop, logger });
  return {
    branding,
    ...whopApp,
    mediaStorage: infra.mediaStorage,
    uploads,
    videoLibrary,
    /** The per-file cap of uploads, which the library's uploader checks before sending a byte. */
    uploadMaxBytes: config.media.uploadMaxBytes,
    uploadLocker: tusUploadLocker(infra.locks),
    storageSweeper,
    courses: createCourseAccessService({ reads: infra.reads, sequelize: infra.sequelize, models }),
    /** Why a member may not watch a video of a product-restricted course (refusals only). */
    videoRefusals: createVideoRefusals({ whop, cache, logger }),
    /** The course pages' signed media URLs (the first SESSION_SECRET, which whopApp already requires). */
    mediaUrls: createMediaUrlSigner({ secret: config.sessionSecrets[0] ?? '', now, surface: 'course' }),
    progress: createWatchProgressService({ sequelize: infra.sequelize, now }),
    ...courseServices,
    engagement: createVideoEngagementQuery({ sequelize: infra.sequelize }),
    /** The creator API (`/api/v1`): its tokens and its reads. */
    apiTokens: createApiTokenService({ sequelize: infra.sequelize, now }),
    apiVideos: createApiVideosQuery({ sequelize: infra.sequelize }),
    apiCourses: createApiCoursesQuery({ catalog: courseServices.courseCatalog }),
    apiStudents: createApiStudentsQuery({ sequelize: infra.sequelize }),
    readiness: createReadinessService({ sequelize: infra.sequelize, redis: infra.redis }),
    creatorAccess,
    installUrl,
    operations,
    /** The admin's webhook event list and event page; past-due creators and the creator page. */
    eventList: createWebhookEventListQuery({ sequelize: infra.sequelize }),
    creatorInspection: createCreatorInspectionQuery({ sequelize: infra.sequelize, now }),
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
    /** Enterprise's priority-support contact (`SUPPORT_EMAIL`); undefined: not shown, not promised. */
    supportEmail: config.supportEmail,
    /** Chronos's clock (ms), for pages that say how long something has taken. */
    now,
    webhookVerifier,
    webhookInbox,
    oidc,
    users,
    roles,
    signIn,
    vault,
    locks: infra.locks,
    cache,
    whop,
    students,
    tiers,
    usage,
    dashboard,
    onboarding,
    overview,
    analytics,
    reconciliation,
    grace,
    webhooks,
    mailTransport,
    emails,
  };
}

export type Services = ReturnType<typeof buildServices>;
