/**
 * Processes the webhook inbox, a handler of the Postgres work queue (src/infra/work-queue/):
 * claims due events (any number of processes may run this), applies each event's effects and
 * its status change in one transaction that commits only if the claim is still its own, so an
 * event is applied once even if a lease lapses. Failures retry with backoff, then go `dead` with
 * the error kept. When the database goes away mid-batch, the batch stops and its unsettled
 * claims are handed back (not counted as attempts) as soon as the database answers again.
 */
import type { Sequelize, Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { EventProcessor, StoredEnvelope } from './event-processor.ts';
import { PermanentEventError, type EventResult } from './event-results.ts';
import { createWorkQueue, type Claim, type QueueTable } from '../../infra/work-queue/work-queue.ts';
import { exponentialBackoff } from '../../infra/work-queue/backoff.ts';
import { isDatabaseOutage } from '../../db/database.ts';
import { errorMessage } from '../../domain/app-errors.ts';

export interface WebhookWorkerDeps {
  sequelize: Sequelize;
  processor: EventProcessor;
  logger: Logger;
  maxAttempts: number;
  leaseMs?: number;
  /** Delay before attempt n+1 after n failures. */
  backoffMs?: (failures: number) => number;
  /** Told of each event's outcome (metrics). */
  onResult?: (type: string, status: 'processed' | 'skipped' | 'ignored' | 'retry' | 'dead') => void;
  now?: () => Date;
}

/** 5 s, 10 s, 20 s, … capped at an hour, with jitter. */
export const defaultBackoffMs = exponentialBackoff({ baseMs: 5_000, capMs: 60 * 60 * 1000 });

const WEBHOOK_EVENTS: QueueTable = {
  name: 'webhook_events',
  claimedStatus: 'processing',
  settledAt: 'processed_at',
  returning: 'type, company_id, payload',
  order: 'next_attempt_at, received_at',
  idType: 'text',
  // One claim, one company: its events apply in one transaction that locks one creator (applyAll).
  groupBy: 'company_id',
};

interface EventRow {
  type: string;
  company_id: string | null;
  payload: StoredEnvelope;
}

type Outcome = 'processed' | 'failed' | 'dead' | 'lost';

/** The claim was taken over (its lease lapsed) before this attempt could commit: roll back, apply nothing. */
class LostClaimError extends Error {}

/** The row's settled status and what came of it (the outcome kept to 500 characters). */
function settledAs(result: EventResult): { status: string; columns: { outcome: string } } {
  return { status: result.status, columns: { outcome: result.outcome.slice(0, 500) } };
}

export function createWebhookWorker(deps: WebhookWorkerDeps) {
  const queue = createWorkQueue(WEBHOOK_EVENTS, {
    sequelize: deps.sequelize,
    maxAttempts: deps.maxAttempts,
    leaseMs: deps.leaseMs ?? 60_000,
    backoffMs: deps.backoffMs ?? defaultBackoffMs,
    now: deps.now,
  });

  /** A claimed event's effects, by its handler, in `transaction` (the envelope's company, else the row's). */
  function applyEvent(item: Claim<EventRow>, transaction: Transaction): Promise<EventResult> {
    return deps.processor.process(
      { ...item.payload, type: item.type, company_id: item.payload.company_id ?? item.company_id },
      transaction,
    );
  }

  /**
   * Applies one claimed event in its own transaction: its effects and its status change commit
   * together. The commit does not wait for the disk: were the database to crash before flushing,
   * effects and status would be lost together and the event, durably stored at receipt and still
   * claimed, would simply be processed again. One event per transaction also means one creator
   * row lock at a time: no deadlocks.
   */
  async function applyOne(item: Claim<EventRow>): Promise<'processed' | 'lost'> {
    return deps.sequelize
      .transaction(async (transaction) => {
        const result = await applyEvent(item, transaction);
        // Still ours? The update locks the row; if another worker re-claimed it, nothing of this attempt commits.
        const settled = await queue.settle(item, { ...settledAs(result), transaction, commitWithoutFlush: true });
        if (!settled) throw new LostClaimError();
        deps.onResult?.(item.type, result.status);
        return 'processed' as const;
      })
      .catch((error: unknown) => {
        if (error instanceof LostClaimError) return 'lost' as const;
        throw error;
      });
  }

  /**
   * Applies a claim's events (one company's) in one transaction with one settle for all: the
   * effects of each event, as one at a time would make them in this order, and every status
   * change commit together. If any event fails, or a claim was taken over, nothing of it commits
   * and the events go one at a time (applyOne), where a failure is recorded against its event
   * alone. A company's events lock its creator row only: two claims never wait on each other in
   * a cycle. (Chronos's own company, whose plan events lock the creators of their users, can: the
   * database then aborts one claim, which goes one event at a time.)
   */
  async function applyAll(items: Claim<EventRow>[]): Promise<Outcome[] | undefined> {
    try {
      const results = await deps.sequelize.transaction(async (transaction) => {
        const done: EventResult[] = [];
        for (const item of items) done.push(await applyEvent(item, transaction));
        const settled = await queue.settleAll(
          items.map((claim, i) => ({ claim, ...settledAs(done[i]!) })),
          { transaction, commitWithoutFlush: true },
        );
        if (settled !== items.length) throw new LostClaimError();
        return done;
      });
      results.forEach((result, i) => deps.onResult?.(items[i]!.type, result.status));
      return items.map(() => 'processed');
    } catch (error) {
      if (isDatabaseOutage(error)) throw error;
      deps.logger.debug(
        { events: items.length, err: { message: errorMessage(error) } },
        'webhook batch applied one by one',
      );
      return undefined;
    }
  }

  async function handle(item: Claim<EventRow>): Promise<Outcome> {
    try {
      return await applyOne(item);
    } catch (error) {
      // The database is away: neither the event nor its failure can be recorded; the queue keeps the claim for
      // hand-back.
      if (isDatabaseOutage(error)) throw error;
      const message = `${(error as Error).name}: ${errorMessage(error)}`.slice(0, 1000);
      const { outcome } = await queue.fail(item, message, error instanceof PermanentEventError);
      deps.logger.warn(
        { eventId: item.id, attempts: item.attempts, dead: outcome === 'dead', err: { message: errorMessage(error) } },
        'webhook event failed',
      );
      deps.onResult?.(item.type, outcome);
      return outcome === 'dead' ? 'dead' : 'failed';
    }
  }

  return {
    /** Claims and processes one batch; returns what happened. */
    async runOnce(limit = 25): Promise<Record<Outcome, number>> {
      return queue.runBatch<EventRow, Outcome>(
        { processed: 0, failed: 0, dead: 0, lost: 0 },
        { limit, handle, handleAll: applyAll, handBackInFlight: true },
      );
    },

    /** An admin's replay: the event goes back to pending with a fresh set of attempts. */
    replay(id: string): Promise<boolean> {
      return queue.replay(id, { outcome: 'replay requested' });
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
