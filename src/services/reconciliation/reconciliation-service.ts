/**
 * Heals what webhooks missed (Whop retries only for a while): re-reads the memberships of every
 * onboarded company and of Chronos's own company from Whop's API (every page), applies them
 * with the same rules as webhooks (older changes never win), and records what changed. One run
 * at a time across all processes: the run holds a lock (src/infra/locks/) whose lease is renewed
 * while it lasts, so a run whose process died blocks the next one for at most `RUNNING_TTL_MS`,
 * and the next run marks the record it left `running` as failed. Only the lock's owner releases
 * it: a run whose lease lapsed cannot free the next run's lock.
 *
 * What a run does is in src/services/reconciliation/: the onboarded companies' students
 * (company-reconciliation.ts), then the creators' plans and tiers (plan-reconciliation.ts).
 */
import { setTimeout as waitFor } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { ReconciliationRun, ReconciliationTrigger } from '../../models/reconciliation-run-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { StudentService } from '../students/student-service.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import { keepRenewing, type LockService } from '../../infra/locks/lock-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import type { CreatorAccessService } from '../creator-access-service.ts';
import { errorMessage } from '../../domain/app-errors.ts';
import { createCompanyReconciliation } from './company-reconciliation.ts';
import { createPlanReconciliation } from './plan-reconciliation.ts';
import { emptySummary, NOT_ATTEMPTED, type ReconciliationSummary } from './reconciliation-summary.ts';

export { NOT_ATTEMPTED, NOT_INSTALLED, RATE_LIMITED, type ReconciliationSummary } from './reconciliation-summary.ts';

/** The lock one run at a time holds. */
export const RECONCILIATION_LOCK = 'reconciliation';
/** How long the lock outlives its last renewal; renewed every third of it while the run lasts. */
export const RUNNING_TTL_MS = 2 * 60 * 1000;
export const INTERRUPTED = 'interrupted: the process running it stopped before it finished';
/** How long "Reconcile now" waits for the run before answering that it goes on in the background. */
export const RECONCILE_WAIT_MS = 10_000;

/** What `runWaiting` saw: another run held the lock, the run is still going on, or it finished. */
export type WaitedRun = { state: 'busy' } | { state: 'continuing' } | { state: 'finished'; run: ReconciliationRun };

export function createReconciliationService(deps: {
  models: Pick<Models, 'Creator' | 'User' | 'ReconciliationRun' | 'PlanMembership'>;
  sequelize: Sequelize;
  whop: WhopApiClient;
  students: StudentService;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  locks: LockService;
  /** Connection and owner-rights checks; without it those are not re-checked. */
  access?: CreatorAccessService;
  chronosCompanyId: string;
  logger: Logger;
  /**
   * How `runWaiting` lets RECONCILE_WAIT_MS pass: a timer (cancelled through `signal` once the run
   * finished first) by default; tests end the wait themselves instead of letting time pass.
   */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}) {
  const wait = deps.wait ?? ((ms: number, signal: AbortSignal) => waitFor(ms, undefined, { signal }));

  const companies = createCompanyReconciliation(deps);
  const plans = createPlanReconciliation(deps);

  /** Holding the lock, no other scheduled or admin run is alive: any such record still `running` was interrupted. */
  async function closeInterrupted(): Promise<void> {
    const [count] = await deps.models.ReconciliationRun.update(
      { status: 'failed', finishedAt: new Date(), error: INTERRUPTED },
      { where: { status: 'running', trigger: ['schedule', 'admin'] } },
    );
    if (count > 0) deps.logger.warn({ count }, 'reconciliation runs left running by a stopped process marked failed');
  }

  /** Runs one reconciliation unless one is running already (anywhere); returns its record, or null when skipped. */
  async function run(trigger: ReconciliationTrigger): Promise<ReconciliationRun | null> {
    const lease = await deps.locks.acquire(RECONCILIATION_LOCK, { ttlMs: RUNNING_TTL_MS, waitMs: 0 });
    if (!lease) return null;
    const stopRenewing = keepRenewing(lease, RUNNING_TTL_MS / 3, (error) =>
      deps.logger.warn(
        { err: error },
        error ? 'reconciliation lock not renewed' : 'reconciliation lock lapsed: another run may start',
      ),
    );
    try {
      await closeInterrupted();
      const record = await deps.models.ReconciliationRun.create({ trigger, finishedAt: null, error: null });
      await reconcile(record, trigger);
      return record;
    } finally {
      stopRenewing();
      // Frees the lock only if it is still this run's: after a lapse it may be the next run's.
      if (!(await lease.release().catch(() => false)))
        deps.logger.warn(
          'reconciliation lock not released: it lapsed (and is left to its new holder), or the lock store is away',
        );
    }
  }

  /** A run that threw: failed, with what it had done and the error, cut to the column's length. */
  const recordThrown = (record: ReconciliationRun, summary: ReconciliationSummary, error: unknown) =>
    record.update({
      status: 'failed',
      finishedAt: new Date(),
      summary: { ...summary },
      error: errorMessage(error).slice(0, 1000),
    });

  /** The run itself, its outcome recorded on `record`. */
  async function reconcile(record: ReconciliationRun, trigger: ReconciliationTrigger): Promise<void> {
    const summary = emptySummary();
    try {
      if (await companies.students(summary)) await plans(summary);
      else summary.unreconciled.push({ companyId: deps.chronosCompanyId, reason: NOT_ATTEMPTED });
      const notDone =
        summary.unreconciled.length > 0
          ? `not reconciled: ${summary.unreconciled.map((u) => `${u.companyId} (${u.reason})`).join('; ')}`
          : null;
      await record.update({
        status: summary.errors.length > 0 || notDone ? 'failed' : 'succeeded',
        finishedAt: new Date(),
        summary: { ...summary },
        error: (summary.errors[0] ?? notDone)?.slice(0, 1000) ?? null,
      });
      deps.logger.info(
        { runId: record.id, trigger, ...summary, tierChanges: summary.tierChanges.length },
        'reconciliation finished',
      );
    } catch (error) {
      await recordThrown(record, summary, error);
      deps.logger.error({ runId: record.id, err: error }, 'reconciliation failed');
    }
  }

  return {
    run,
    /**
     * Starts a run and waits for it at most `waitMs` (the admin's "Reconcile now": a request must
     * not outlast the proxy's timeout): `finished` with its record, `continuing` when it goes on
     * in the background (its record shows on /admin/webhooks when done), `busy` when another run
     * was going.
     */
    async runWaiting(trigger: ReconciliationTrigger): Promise<WaitedRun> {
      const running = run(trigger);
      const finished = new AbortController();
      const waited = wait(RECONCILE_WAIT_MS, finished.signal).then(
        () => 'continuing' as const,
        () => new Promise<never>(() => undefined), // aborted: the run won the race already
      );
      try {
        const outcome = await Promise.race([running, waited]);
        if (outcome === 'continuing') {
          running.catch((error: unknown) =>
            deps.logger.error({ err: error, trigger }, 'reconciliation failed to start'),
          );
          return { state: 'continuing' };
        }
        return outcome ? { state: 'finished', run: outcome } : { state: 'busy' };
      } finally {
        finished.abort();
      }
    },

    /** One company's members (at onboarding): imported now, recorded as a run; Whop errors propagate. */
    async runForCreator(creator: Creator, trigger: ReconciliationTrigger): Promise<ReconciliationSummary> {
      const run = await deps.models.ReconciliationRun.create({ trigger, finishedAt: null, error: null });
      const summary = emptySummary();
      try {
        await companies.companyStudents(creator, summary);
        await run.update({ status: 'succeeded', finishedAt: new Date(), summary: { ...summary } });
        return summary;
      } catch (error) {
        await recordThrown(run, summary, error);
        throw error;
      }
    },

    latest(): Promise<ReconciliationRun | null> {
      return deps.models.ReconciliationRun.findOne({
        order: [
          ['startedAt', 'DESC'],
          ['id', 'DESC'],
        ],
      });
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
