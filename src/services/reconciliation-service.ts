/**
 * Heals what webhooks missed (Whop retries only for a while): re-reads the memberships of every
 * onboarded company and of Chronos's own company from Whop's API (every page), applies them
 * with the same rules as webhooks (older changes never win), and records what changed. One run
 * at a time across all processes: the run holds a lock (src/infra/locks/) whose lease is renewed
 * while it lasts, so a run whose process died blocks the next one for at most `RUNNING_TTL_MS`,
 * and the next run marks the record it left `running` as failed. Only the lock's owner releases
 * it: a run whose lease lapsed cannot free the next run's lock.
 */
import { setTimeout as waitFor } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Models } from '../models/init-models.ts';
import type { ReconciliationRun, ReconciliationTrigger } from '../models/reconciliation-run-model.ts';
import type { Creator } from '../models/creator-model.ts';
import type { WhopApiClient } from './whop/whop-api-client.ts';
import type { StudentService } from './students/student-service.ts';
import type { CreatorTierService } from './tiers/creator-tier-service.ts';
import { keepRenewing, type LockService } from '../infra/locks/lock-service.ts';
import type { GracePeriodService } from './billing/grace-period-service.ts';
import { isNotInstalled, type CreatorAccessService } from './creator-access-service.ts';
import { WhopRateLimitError } from './whop/whop-errors.ts';
import type { WhopMembership } from './whop/whop-membership.ts';
import { errorMessage } from '../domain/app-errors.ts';

export interface ReconciliationSummary {
  companies: number;
  memberships: number;
  studentsCreated: number;
  studentsChanged: number;
  planMemberships: number;
  /** Creators whose plan turned past_due while its webhook was missed: their grace period started here. */
  gracePeriodsStarted: number;
  tierChanges: { creatorId: number; from: string; to: string }[];
  errors: string[];
  /**
   * Companies whose memberships were not (all) read, so nothing of theirs was changed; the next run reads them first.
   */
  unreconciled: { companyId: string; reason: string }[];
  /** Companies skipped on purpose: the app is not installed there (Whop answers 403); not a failure. */
  skipped: { companyId: string; reason: string }[];
}

export const RATE_LIMITED = 'rate limited by Whop (429 after retries): nothing of it was changed';
export const NOT_ATTEMPTED = 'not attempted: Whop was rate limiting this run';
export const NOT_INSTALLED = 'Chronos is not installed on it (Whop answers 403): disconnected';

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

  /** Holding the lock, no other scheduled or admin run is alive: any such record still `running` was interrupted. */
  async function closeInterrupted(): Promise<void> {
    const [count] = await deps.models.ReconciliationRun.update(
      { status: 'failed', finishedAt: new Date(), error: INTERRUPTED },
      { where: { status: 'running', trigger: ['schedule', 'admin'] } },
    );
    if (count > 0) deps.logger.warn({ count }, 'reconciliation runs left running by a stopped process marked failed');
  }

  /** Every page of the company's memberships is read before anything is applied: a 429 on page 3 changes nothing. */
  async function companyStudents(creator: Creator, summary: ReconciliationSummary): Promise<void> {
    await applyStudents(creator, await deps.whop.listMemberships({ companyId: creator.whopCompanyId }), summary);
  }

  async function applyStudents(
    creator: Creator,
    memberships: WhopMembership[],
    summary: ReconciliationSummary,
  ): Promise<void> {
    summary.companies += 1;
    summary.memberships += memberships.length;
    for (const membership of memberships) {
      const result = await deps.students.applyMembership(creator.id, membership);
      // `user: null` matching no stored student: nothing to apply, settled with the reason logged.
      if (result.change === 'unmatched')
        deps.logger.info(
          { creatorId: creator.id, membershipId: membership.id },
          'membership without a user matches no student: skipped',
        );
      if (result.change === 'created') summary.studentsCreated += 1;
      else if (result.change === 'updated' && result.previousStatus !== result.status) summary.studentsChanged += 1;
    }
  }

  /** The companies the last finished run could not reconcile: this run reads them first. */
  async function leftOver(): Promise<Set<string>> {
    const last = await deps.models.ReconciliationRun.findOne({
      where: { status: ['succeeded', 'failed'], trigger: ['schedule', 'admin'] },
      order: [
        ['startedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    const rows = (last?.summary as Partial<ReconciliationSummary> | undefined)?.unreconciled;
    return new Set(Array.isArray(rows) ? rows.map((r) => r.companyId) : []);
  }

  /**
   * One company: read every page, re-check the owner's rights, then apply. A 403 marks it
   * disconnected and skips it; a successful read reconnects it. Returns false when Whop is rate limiting.
   */
  async function reconcileCompany(creator: Creator, summary: ReconciliationSummary): Promise<boolean> {
    const skip = () => summary.skipped.push({ companyId: creator.whopCompanyId, reason: NOT_INSTALLED });
    try {
      const memberships = await deps.whop.listMemberships({ companyId: creator.whopCompanyId });
      // Also marks the company connected again, or disconnected on a 403.
      if ((await deps.access?.recheckOwner(creator)) === 'disconnected') skip();
      else await applyStudents(creator, memberships, summary);
    } catch (error) {
      if (isNotInstalled(error)) {
        await deps.access?.markDisconnected(creator);
        skip();
      } else if (error instanceof WhopRateLimitError) {
        summary.unreconciled.push({ companyId: creator.whopCompanyId, reason: RATE_LIMITED });
        return false;
      } else {
        summary.errors.push(`${creator.whopCompanyId}: ${errorMessage(error)}`);
        summary.unreconciled.push({ companyId: creator.whopCompanyId, reason: errorMessage(error).slice(0, 200) });
      }
    }
    return true;
  }

  /**
   * Every onboarded company, those left over by the last run first; after a 429 storm the rest wait for the next run.
   */
  async function students(summary: ReconciliationSummary): Promise<boolean> {
    const first = await leftOver();
    const creators = (await deps.models.Creator.findAll({ order: [['id', 'ASC']] })).sort(
      (a, b) => Number(first.has(b.whopCompanyId)) - Number(first.has(a.whopCompanyId)),
    );
    for (const [index, creator] of creators.entries()) {
      if (await reconcileCompany(creator, summary)) continue;
      for (const rest of creators.slice(index + 1))
        summary.unreconciled.push({ companyId: rest.whopCompanyId, reason: NOT_ATTEMPTED });
      return false;
    }
    return true;
  }

  function emptySummary(): ReconciliationSummary {
    return {
      companies: 0,
      memberships: 0,
      studentsCreated: 0,
      studentsChanged: 0,
      planMemberships: 0,
      gracePeriodsStarted: 0,
      tierChanges: [],
      errors: [],
      unreconciled: [],
      skipped: [],
    };
  }

  /**
   * Stores the Chronos plan memberships as Whop has them now, then sets each creator's tier from
   * them, by the webhook's rules: a plan that turned past_due (its webhook missed) starts the
   * grace period first, so the tier is held rather than dropped.
   */
  async function plans(summary: ReconciliationSummary): Promise<void> {
    const turnedPastDue = new Set<string>();
    try {
      const memberships = await deps.whop.listMemberships({ companyId: deps.chronosCompanyId });
      summary.companies += 1;
      const stored = await deps.models.PlanMembership.findAll({
        where: { whopMembershipId: memberships.map((m) => m.id) },
        attributes: ['whopMembershipId', 'status'],
      });
      const statusBefore = new Map(stored.map((row) => [row.whopMembershipId, row.status]));
      for (const membership of memberships) {
        // `user: null` (deleted account, unclaimed): no creator to hold it against; settled, not an error.
        if (!membership.userId) {
          deps.logger.info(
            { membershipId: membership.id },
            'plan membership without a user skipped: deleted account or unclaimed',
          );
          continue;
        }
        if ((await deps.tiers.recordPlanMembership(membership)) !== 'stored') continue;
        summary.planMemberships += 1;
        if (membership.status === 'past_due' && statusBefore.get(membership.id) !== 'past_due')
          turnedPastDue.add(membership.userId);
      }
    } catch (error) {
      // Nothing of the plans was applied yet: no tier changes this run.
      if (error instanceof WhopRateLimitError)
        summary.unreconciled.push({ companyId: deps.chronosCompanyId, reason: RATE_LIMITED });
      else summary.errors.push(`${deps.chronosCompanyId}: ${errorMessage(error)}`);
      return;
    }
    const creators = await deps.models.Creator.findAll({ order: [['id', 'ASC']] });
    const owners = new Map(
      (await deps.models.User.findAll({ where: { id: creators.map((c) => c.ownerUserId) } })).map((user) => [
        user.id,
        user,
      ]),
    );
    for (const creator of creators) {
      const owner = owners.get(creator.ownerUserId);
      if (!owner) continue;
      if (
        turnedPastDue.has(owner.whopUserId) &&
        (await deps.sequelize.transaction((transaction) => deps.grace.start(creator, transaction)))
      )
        summary.gracePeriodsStarted += 1;
      const change = await deps.tiers.applyStoredPlan(creator, owner.whopUserId);
      if (change.before !== change.after)
        summary.tierChanges.push({ creatorId: creator.id, from: change.before, to: change.after });
    }
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

  /** The run itself, its outcome recorded on `record`. */
  async function reconcile(record: ReconciliationRun, trigger: ReconciliationTrigger): Promise<void> {
    const summary = emptySummary();
    try {
      if (await students(summary)) await plans(summary);
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
      await record.update({
        status: 'failed',
        finishedAt: new Date(),
        summary: { ...summary },
        error: errorMessage(error).slice(0, 1000),
      });
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
        await companyStudents(creator, summary);
        await run.update({ status: 'succeeded', finishedAt: new Date(), summary: { ...summary } });
        return summary;
      } catch (error) {
        await run.update({
          status: 'failed',
          finishedAt: new Date(),
          summary: { ...summary },
          error: errorMessage(error).slice(0, 1000),
        });
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
