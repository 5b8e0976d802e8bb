/**
 * The background loops: the webhook inbox worker, the email outbox sender, the grace period
 * check, the expiry of unfinished uploads, the storage sweep and the scheduled reconciliation. Run by the `worker`
 * process, and by the web process in development. `stop()` lets the current iteration of each loop finish. A loop whose
 * iteration fails logs it, reports it (Sentry, when configured) unless the database is simply
 * away for a moment, and goes on after its pause.
 */
import type { Logger } from 'pino';
import { setTimeout as delay } from 'node:timers/promises';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import type { GracePeriodService } from '../services/billing/grace-period-service.ts';
import type { ReconciliationService } from '../services/reconciliation/reconciliation-service.ts';
import { isDatabaseOutage } from '../db/database.ts';
import { noErrorReporting, type ErrorReporter } from '../observability/error-reporter.ts';

export interface EmailSenderLike {
  sendDue(limit?: number): Promise<{ sent: number; failed: number; dead: number }>;
}

export interface BackgroundJobsDeps {
  webhooks: WebhookWorker;
  emails: EmailSenderLike;
  grace: GracePeriodService;
  reconciliation: ReconciliationService;
  /** Unfinished uploads past their expiry: bytes removed, reservations released. */
  uploads: { expire(): Promise<number> };
  /** Objects no video references (a crash between storage and database) and rows whose object is gone. */
  storageSweeper: { sweep(options: { olderThanMs: number }): Promise<unknown> };
  logger: Logger;
  /** Where unexpected failures are reported besides the log (none by default). */
  reportError?: ErrorReporter;
  reconcileIntervalMs: number;
  /** Parallel webhook loops (real PostgreSQL spreads them with SKIP LOCKED). */
  webhookConcurrency?: number;
  idlePollMs?: number;
  /** A loop's pause, ended early when `signal` aborts (at stop); tests pass one that lets no time pass. */
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the idle pauses' spread (`Math.random` by default; tests pass their own). */
  random?: () => number;
}

const realPause = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/** Events one webhook loop claims at a time. */
export const WEBHOOK_BATCH = 25;

export interface BackgroundJobs {
  stop(): Promise<void>;
}

export function startBackgroundJobs(deps: BackgroundJobsDeps): BackgroundJobs {
  let stopping = false;
  const idleMs = deps.idlePollMs ?? 500;
  const report = deps.reportError ?? noErrorReporting;
  const stopped = new AbortController();
  const pause = deps.pause ?? realPause;
  const sleep = (ms: number) => pause(ms, stopped.signal);
  const random = deps.random ?? Math.random;
  /**
   * The idle polls' pauses spread over 0.5–1.5× (the same on average): loops that went idle
   * together would otherwise poll together for ever, each round holding a pooled connection of
   * its own (four idle PostgreSQL backends for four webhook loops); spread, they take turns on one.
   */
  const spread = (ms: number) => Math.round(ms * (0.5 + random()));

  async function loop(name: string, work: () => Promise<boolean>, pauseMs: number, idleSpread = false): Promise<void> {
    while (!stopping) {
      let busy = false;
      try {
        busy = await work();
      } catch (error) {
        deps.logger.error({ job: name, err: error }, 'background job failed');
        if (!isDatabaseOutage(error)) report(error, { job: name });
      }
      if (!busy && !stopping) await sleep(idleSpread ? spread(pauseMs) : pauseMs);
    }
  }

  const loops = [
    ...Array.from({ length: deps.webhookConcurrency ?? 2 }, (_, i) =>
      loop(
        `webhooks-${i}`,
        async () => {
          const r = await deps.webhooks.runOnce(WEBHOOK_BATCH);
          return r.processed + r.failed + r.dead + r.lost > 0;
        },
        idleMs,
        true,
      ),
    ),
    loop(
      'emails',
      async () => {
        const r = await deps.emails.sendDue(20);
        return r.sent + r.failed + r.dead > 0;
      },
      idleMs * 2,
      true,
    ),
    loop('grace-periods', async () => (await deps.grace.applyExpired(), false), 60_000),
    loop('upload-expiry', async () => (await deps.uploads.expire(), false), 10 * 60_000),
    // An hour's grace: an upload's row is written before its first byte, so a younger object is never an orphan in the
    // making.
    loop('storage-sweep', async () => (await deps.storageSweeper.sweep({ olderThanMs: 3_600_000 }), false), 3_600_000),
    loop(
      'reconciliation',
      async () => {
        await sleep(deps.reconcileIntervalMs);
        if (!stopping) await deps.reconciliation.run('schedule');
        return true;
      },
      0,
    ),
  ];
  deps.logger.info({ reconcileEveryMinutes: deps.reconcileIntervalMs / 60_000 }, 'background jobs started');

  return {
    async stop() {
      stopping = true;
      stopped.abort();
      await Promise.all(loops);
      deps.logger.info('background jobs stopped');
    },
  };
}
