/**
 * Processes the webhook inbox. Claims due events with `FOR UPDATE SKIP LOCKED` (any number of
 * processes may run this), each claim with a lease and a token; applies the claimed batch in one
 * transaction, each event under a savepoint that first re-checks its claim, so an event's
 * effects and status change commit together and an event is applied once even if a lease lapses. Failures retry with exponential backoff and jitter, then go
 * `dead` with the error kept; a claim whose process died is picked up after its lease.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { EventProcessor, StoredEnvelope } from './event-processor.ts';
import { PermanentEventError } from './event-results.ts';

export interface WebhookWorkerDeps {
  sequelize: Sequelize;
  processor: EventProcessor;
  logger: Logger;
  maxAttempts: number;
  leaseMs?: number;
  /** Delay before attempt n+1 after n failures. */
  backoffMs?: (failures: number) => number;
}

export function defaultBackoffMs(failures: number): number {
  const base = Math.min(5_000 * 2 ** (failures - 1), 60 * 60 * 1000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

interface Claim {
  id: string;
  claim_token: string;
  attempts: number;
}

export function createWebhookWorker(deps: WebhookWorkerDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  const backoffMs = deps.backoffMs ?? defaultBackoffMs;

  async function claim(limit: number): Promise<Claim[]> {
    return deps.sequelize.query<Claim>(
      `UPDATE webhook_events SET status = 'processing', claim_token = gen_random_uuid(), attempts = attempts + 1,
              locked_until = now() + make_interval(secs => :leaseSeconds)
        WHERE id IN (SELECT id FROM webhook_events
                      WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'processing' AND locked_until < now())
                      ORDER BY next_attempt_at, received_at LIMIT :limit FOR UPDATE SKIP LOCKED)
        RETURNING id, claim_token, attempts`,
      { replacements: { limit, leaseSeconds: leaseMs / 1000 }, type: QueryTypes.SELECT },
    );
  }

  /**
   * Applies one claimed event inside the batch transaction, under a savepoint: its effects and
   * its status change stand or fall together, and a failure rolls back only this event.
   */
  async function applyOne(item: Claim, batch: Transaction): Promise<'processed' | 'lost'> {
    return deps.sequelize.transaction({ transaction: batch }, async (transaction) => {
      const [row] = await deps.sequelize.query<{ type: string; company_id: string | null; payload: StoredEnvelope }>(
        `SELECT type, company_id, payload FROM webhook_events WHERE id = :id AND claim_token = :token AND status = 'processing' FOR UPDATE`,
        { replacements: { id: item.id, token: item.claim_token }, type: QueryTypes.SELECT, transaction },
      );
      if (!row) return 'lost';
      const result = await deps.processor.process({ ...row.payload, type: row.type, company_id: row.payload.company_id ?? row.company_id }, transaction);
      await deps.sequelize.query(
        `UPDATE webhook_events SET status = :status, outcome = :outcome, processed_at = now(), locked_until = NULL, claim_token = NULL, last_error = NULL WHERE id = :id`,
        { replacements: { id: item.id, status: result.status, outcome: result.outcome.slice(0, 500) }, transaction },
      );
      return 'processed';
    });
  }

  async function fail(item: Claim, error: unknown, transaction: Transaction): Promise<'retry' | 'dead'> {
    const permanent = error instanceof PermanentEventError;
    const dead = permanent || item.attempts >= deps.maxAttempts;
    const message = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 1000);
    await deps.sequelize.query(
      `UPDATE webhook_events SET status = :status, last_error = :message, locked_until = NULL, claim_token = NULL,
              next_attempt_at = now() + make_interval(secs => :delaySeconds)
        WHERE id = :id AND claim_token = :token`,
      { replacements: { id: item.id, token: item.claim_token, status: dead ? 'dead' : 'pending', message, delaySeconds: dead ? 0 : backoffMs(item.attempts) / 1000 }, transaction },
    );
    deps.logger.warn({ eventId: item.id, attempts: item.attempts, dead, err: { message: (error as Error).message } }, 'webhook event failed');
    return dead ? 'dead' : 'retry';
  }

  return {
    /** Claims and processes one batch; returns what happened. */
    async runOnce(limit = 25): Promise<{ processed: number; failed: number; dead: number; lost: number }> {
      const counts = { processed: 0, failed: 0, dead: 0, lost: 0 };
      const claimed = await claim(limit);
      if (claimed.length === 0) return counts;
      // One commit for the whole batch (each event under its own savepoint): the fsync is shared.
      await deps.sequelize.transaction(async (batch) => {
        for (const item of claimed) {
          try {
            counts[await applyOne(item, batch)] += 1;
          } catch (error) {
            counts[(await fail(item, error, batch)) === 'dead' ? 'dead' : 'failed'] += 1;
          }
        }
      });
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
