/**
 * Processes the webhook inbox. Claims due events with `FOR UPDATE SKIP LOCKED` (any number of
 * processes may run this), each claim with a lease and a token; applies each event's effects and
 * its status change in one transaction that commits only if the claim is still its own, so an
 * event is applied once even if a lease lapses. Failures retry with exponential backoff and jitter, then go
 * `dead` with the error kept; a claim whose process died is picked up after its lease. When the
 * database goes away mid-batch, the batch stops and its unsettled claims are handed back (not
 * counted as attempts) as soon as the database answers again, instead of waiting out their lease.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { EventProcessor, StoredEnvelope } from './event-processor.ts';
import { PermanentEventError } from './event-results.ts';
import { isDatabaseOutage } from '../../db/database.ts';

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
}

export function defaultBackoffMs(failures: number): number {
  const base = Math.min(5_000 * 2 ** (failures - 1), 60 * 60 * 1000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

interface Claim {
  id: string;
  claim_token: string;
  attempts: number;
  type: string;
  company_id: string | null;
  payload: StoredEnvelope;
}

/** The claim was taken over (its lease lapsed) before this attempt could commit: roll back, apply nothing. */
class LostClaimError extends Error {}

export function createWebhookWorker(deps: WebhookWorkerDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  const backoffMs = deps.backoffMs ?? defaultBackoffMs;
  /** Claims a batch could not settle because the database went away: event id → claim token. */
  const unsettled = new Map<string, string>();

  /** Gives unsettled claims back to the inbox (due now, the attempt not counted), if they are still ours. */
  async function handBack(): Promise<void> {
    for (const [id, token] of unsettled) {
      await deps.sequelize.query(
        `UPDATE webhook_events SET status = 'pending', attempts = greatest(attempts - 1, 0), locked_until = NULL, claim_token = NULL, next_attempt_at = now()
          WHERE id = :id AND claim_token = :token AND status = 'processing'`,
        { replacements: { id, token } },
      );
      unsettled.delete(id);
    }
  }

  async function claim(limit: number): Promise<Claim[]> {
    return deps.sequelize.query<Claim>(
      `UPDATE webhook_events SET status = 'processing', claim_token = gen_random_uuid(), attempts = attempts + 1,
              locked_until = now() + make_interval(secs => :leaseSeconds)
        WHERE id IN (SELECT id FROM webhook_events
                      WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'processing' AND locked_until < now())
                      ORDER BY next_attempt_at, received_at LIMIT :limit FOR UPDATE SKIP LOCKED)
        RETURNING id, claim_token, attempts, type, company_id, payload`,
      { replacements: { limit, leaseSeconds: leaseMs / 1000 }, type: QueryTypes.SELECT },
    );
  }

  /**
   * Applies one claimed event in its own transaction: its effects and its status change commit
   * together. The commit does not wait for the disk (`synchronous_commit = off`, this transaction
   * only): were the database to crash before flushing, effects and status would be lost together
   * and the event, durably stored at receipt and still claimed, would simply be processed again.
   * The setting is made by the status change itself (`set_config(…, true)` is `SET LOCAL`; it
   * counts at commit), which saves a round trip per event. One event per transaction also means
   * one creator row lock at a time: no deadlocks.
   */
  async function applyOne(item: Claim): Promise<'processed' | 'lost'> {
    return deps.sequelize.transaction(async (transaction) => {
      const result = await deps.processor.process({ ...item.payload, type: item.type, company_id: item.payload.company_id ?? item.company_id }, transaction);
      // Still ours? The update locks the row; if another worker re-claimed it, nothing of this attempt commits.
      const updated = await deps.sequelize.query(
        `UPDATE webhook_events SET status = :status, outcome = :outcome, processed_at = now(), locked_until = NULL, claim_token = NULL, last_error = NULL
           FROM (SELECT set_config('synchronous_commit', 'off', true)) AS commit_without_flush
          WHERE id = :id AND claim_token = :token AND status = 'processing' RETURNING id`,
        { replacements: { id: item.id, token: item.claim_token, status: result.status, outcome: result.outcome.slice(0, 500) }, type: QueryTypes.SELECT, transaction },
      );
      if (updated.length === 0) throw new LostClaimError();
      deps.onResult?.(item.type, result.status);
      return 'processed' as const;
    }).catch((error: unknown) => {
      if (error instanceof LostClaimError) return 'lost' as const;
      throw error;
    });
  }

  async function fail(item: Claim, error: unknown): Promise<'retry' | 'dead'> {
    const permanent = error instanceof PermanentEventError;
    const dead = permanent || item.attempts >= deps.maxAttempts;
    const message = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 1000);
    await deps.sequelize.query(
      `UPDATE webhook_events SET status = :status, last_error = :message, locked_until = NULL, claim_token = NULL,
              next_attempt_at = now() + make_interval(secs => :delaySeconds)
        WHERE id = :id AND claim_token = :token`,
      { replacements: { id: item.id, token: item.claim_token, status: dead ? 'dead' : 'pending', message, delaySeconds: dead ? 0 : backoffMs(item.attempts) / 1000 } },
    );
    deps.logger.warn({ eventId: item.id, attempts: item.attempts, dead, err: { message: (error as Error).message } }, 'webhook event failed');
    deps.onResult?.(item.type, dead ? 'dead' : 'retry');
    return dead ? 'dead' : 'retry';
  }

  return {
    /** Claims and processes one batch; returns what happened. */
    async runOnce(limit = 25): Promise<{ processed: number; failed: number; dead: number; lost: number }> {
      const counts = { processed: 0, failed: 0, dead: 0, lost: 0 };
      await handBack();
      const claims = await claim(limit);
      for (const [index, item] of claims.entries()) {
        try {
          try {
            counts[await applyOne(item)] += 1;
          } catch (error) {
            if (isDatabaseOutage(error)) throw error;
            counts[(await fail(item, error)) === 'dead' ? 'dead' : 'failed'] += 1;
          }
        } catch (outage) {
          // The database is away: neither the event nor its failure could be recorded. Stop here.
          for (const left of claims.slice(index)) unsettled.set(left.id, left.claim_token);
          throw outage;
        }
      }
      return counts;
    },

    /** An admin's replay: the event goes back to pending with a fresh set of attempts. */
    async replay(id: string): Promise<boolean> {
      const rows = await deps.sequelize.query(
        `UPDATE webhook_events SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL, claim_token = NULL, outcome = 'replay requested'
          WHERE id = :id AND status <> 'processing' RETURNING id`,
        { replacements: { id }, type: QueryTypes.SELECT },
      );
      return rows.length > 0;
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
