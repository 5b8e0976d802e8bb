/**
 * The composition root: builds the real dependencies from the configuration (database —
 * an embedded PostgreSQL server when `DATABASE_URL` is unset —, Redis when configured, session store, models)
 * and knows how to close them again, in order.
 */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from './config/config.ts';
import type { AppDeps } from './app.ts';
import { createMediaStorage } from './infra/storage/create-media-storage.ts';
import { openDatabase } from './db/open-database.ts';
import type { EmbeddedPostgres } from './db/embedded-database.ts';
import { createPreparedReads } from './db/prepared-reads.ts';
import { createMigrator } from './db/migrator.ts';
import { createRedisClient, waitForRedis, warnOfUncheckedRedisCertificate } from './db/redis-client.ts';
import { initModels } from './models/init-models.ts';
import { TokenSafeSessionStore } from './sessions/token-safe-session-store.ts';
import { buildServices, type ServiceOverrides } from './services/build-services.ts';
import { createSharedState } from './composition/shared-state.ts';
import { realLockClock } from './infra/locks/lock-service.ts';
import { startBackgroundJobs, type BackgroundJobs } from './jobs/background-jobs.ts';
import { createMetrics } from './observability/metrics.ts';
import { noErrorReporting, type ErrorReporter } from './observability/error-reporter.ts';
import { apiRateLimiter, authRateLimiter } from './middleware/rate-limiters.ts';
import { apiTokenRateLimiter } from './middleware/api-token-rate-limiter.ts';

export interface Runtime {
  deps: AppDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Run pending migrations before returning (development and tests; production runs them in `release`). */
  migrate: boolean;
  /** Embedded database folder; defaults to `<varDir>/pgdata`. */
  embeddedDataDir?: string;
  /** Use this database URL instead of the configured one (tests make their own database). */
  databaseUrl?: string;
  /** The embedded server, already starting: the runtime takes it over (db/open-database.ts). */
  embeddedDatabase?: Promise<EmbeddedPostgres>;
  services?: ServiceOverrides;
  /** Run the webhook worker, mail sender, grace check and scheduled reconciliation in this process. */
  backgroundJobs?: boolean;
  /** Where unexpected errors are reported besides the log (Sentry when configured). */
  reportError?: ErrorReporter;
}

/**
 * Says at start, in every process, which production settings travel in clear text because
 * ALLOW_INSECURE_URLS is on: an opt-out nobody sees in the log is soon forgotten.
 */
export function warnOfInsecureUrls(config: Pick<Config, 'insecureUrlsAllowed'>, logger: Logger): void {
  if (config.insecureUrlsAllowed.length === 0) return;
  logger.warn(
    { settings: config.insecureUrlsAllowed },
    'ALLOW_INSECURE_URLS is on: these production settings travel without TLS',
  );
}

export async function buildRuntime(
  config: Readonly<Config>,
  logger: Logger,
  options: RuntimeOptions,
): Promise<Runtime> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing');
      }
    }
  };
  warnOfInsecureUrls(config, logger);
  warnOfUncheckedRedisCertificate(config, logger);
  try {
    const database = await openDatabase(config, logger, options);
    closers.push(() => database.close());
    const { sequelize, url: databaseUrl } = database;
    if (options.migrate) await createMigrator(sequelize, logger).up();
    const models = initModels(sequelize);
    const reads = createPreparedReads(databaseUrl, {
      max: Math.max(2, Math.ceil(config.databasePoolMax / 4)),
      ssl: database.ssl,
    });
    closers.push(() => reads.close());

    let redis: Redis | undefined;
    if (config.redisUrl) {
      const client = createRedisClient(config.redisUrl, logger, config.redisTls);
      closers.push(async () => void (await client.quit().catch(() => client.disconnect())));
      await waitForRedis(client);
      redis = client;
    }
    const shared = createSharedState(redis, config.redisPrefix);
    closers.push(() => shared.close());
    const innerStore = shared.sessionStore(config.sessionMaxAgeDays * 24 * 60 * 60);
    const now = options.services?.now;
    const locks = shared.locks(now ? { ...realLockClock, now } : realLockClock);
    const sessionStore = new TokenSafeSessionStore(innerStore, locks, shared.endedSessions());
    const metrics = createMetrics({ sequelize });
    const mediaStorage = await createMediaStorage(config);
    closers.push(() => mediaStorage.close());
    const services = buildServices(
      {
        config,
        logger,
        sequelize,
        reads,
        models,
        redis,
        sessionStore,
        locks,
        cache: shared.cache(),
        metrics,
        mediaStorage,
      },
      options.services,
    );
    closers.push(() => services.mailTransport.close());
    let jobs: BackgroundJobs | undefined;
    if (options.backgroundJobs) {
      jobs = startBackgroundJobs({
        ...services,
        logger,
        reportError: options.reportError,
        reconcileIntervalMs: config.worker.reconcileIntervalMinutes * 60_000,
        webhookConcurrency: config.worker.webhookLoops,
      });
      const running = jobs;
      closers.push(() => running.stop());
    }

    const rateLimiters = {
      auth: authRateLimiter({
        store: shared.rateLimitStore('auth'),
        limitPerMinute: config.rateLimits.authPerMinute,
        logger,
      }),
      api: apiRateLimiter({
        store: shared.rateLimitStore('api'),
        limitPerMinute: config.rateLimits.apiPerMinute,
        logger,
      }),
      apiToken: apiTokenRateLimiter({
        store: shared.rateLimitStore('api-token'),
        limitPerMinute: config.rateLimits.apiTokenPerMinute,
        logger,
      }),
    };
    return {
      deps: {
        config,
        logger,
        sequelize,
        models,
        sessionStore,
        redis,
        services,
        rateLimiters,
        metrics,
        reportError: options.reportError ?? noErrorReporting,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
