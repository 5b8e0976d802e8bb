/** What the service builders are given: the infrastructure, the tests' overrides and Chronos's one clock. */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { Config } from '../../config/config.ts';
import type { Models } from '../../models/init-models.ts';
import type { PreparedReads } from '../../db/prepared-reads.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { TokenSafeSessionStore } from '../../sessions/token-safe-session-store.ts';
import type { LockService } from '../../infra/locks/lock-service.ts';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { MediaStorage } from '../../infra/storage/media-storage.ts';

export interface ServiceInfra {
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
}

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

export interface CompositionInputs {
  infra: ServiceInfra;
  overrides: ServiceOverrides;
  /** `overrides.now` or Date.now. */
  now: () => number;
}
