/**
 * A work queue in a PostgreSQL table, safe from any number of processes. The webhook inbox and
 * the email outbox are its two handlers. One protocol:
 *
 * - Claim: up to `limit` due rows in one statement (its own short transaction) with
 *   `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows without waiting. A claim
 *   counts an attempt, writes a fresh `claim_token` and a lease (`locked_until`). Due rows are
 *   `pending` ones whose `next_attempt_at` has come, and claimed rows whose lease has lapsed
 *   (their holder died).
 * - Settle only if still mine: every status change after the claim matches the row's
 *   `claim_token`, which any later claim replaces. Settling inside the handler's transaction
 *   makes its effects and the status change commit together, or neither.
 * - Failure: retried after `backoffMs` (exponential with jitter, `backoff.ts`), or `dead` with
 *   the error kept after `maxAttempts` (at once for a permanent error).
 * - Hand-back: claims a batch could not settle because the database went away are given back
 *   (due at once, the attempt not counted) at the next claim, once the database answers, rather
 *   than waiting out their lease.
 *
 * Times come from one clock, `now` (injectable; the instances' clocks must agree to well within
 * the lease, which the usual NTP drift does). Parameters are bound (`$n`), never spliced in.
 *
 * If a third queue is ever needed, wrap graphile-worker or pg-boss instead of growing this one.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  claimSql,
  failSql,
  handBackSql,
  replaySql,
  settleAllSql,
  settleSql,
  type QueueTable,
} from './work-queue-sql.ts';

export type { QueueTable } from './work-queue-sql.ts';

/** A claimed row: the table's own columns (`QueueTable.returning`) and the claim. */
export type Claim<Row> = Row & { id: string | number; claimToken: string; attempts: number; lockedUntil: Date };

export interface WorkQueueDeps {
  sequelize: Sequelize;
  /** Attempts before a row is `dead`. */
  maxAttempts: number;
  /** How long a claim lasts. */
  leaseMs: number;
  /** Delay before attempt n+1 after n failures. */
  backoffMs: (failures: number) => number;
  now?: () => Date;
}

export interface SettleOptions {
  /** The settled status (`processed`, `sent`, …). */
  status: string;
  /** Further columns to set (trusted column names), e.g. `{ outcome }`. */
  columns?: Record<string, unknown>;
  /** The handler's transaction: the settle commits with its effects. */
  transaction?: Transaction;
  /**
   * Commit without waiting for the disk (`synchronous_commit = off` for this transaction only,
   * set by the settle statement itself, which saves a round trip). Only for a transaction whose
   * loss in a crash is harmless: the row, durably stored and still claimed, is simply done again.
   */
  commitWithoutFlush?: boolean;
}

export interface BatchOptions<Row, Outcome extends string> {
  limit: number;
  /** Handles one claimed row and says what came of it (it settles or fails the row itself). */
  handle: (claim: Claim<Row>) => Promise<Outcome>;
  /**
   * Handles a whole claim at once (two rows or more), settling every row itself, and says what
   * came of each, in order; `undefined` when it could not (nothing of it committed): the rows are
   * then handed to `handle` one at a time. When it throws (the database went away), every row
   * of the claim is kept for hand-back. `minLeaseLeftMs` is not asked on this path: give it to
   * queues whose rows take long one by one, and no `handleAll`.
   */
  handleAll?: (claims: Claim<Row>[]) => Promise<Outcome[] | undefined>;
  /** The order rows of a batch are handled in (a claim's rows come back in no particular order). */
  order?: (a: Claim<Row>, b: Claim<Row>) => number;
  /**
   * Whether the row in hand when the database went away is handed back too. Yes when its
   * effects were in a rolled-back transaction; no when they may have left (a sent mail): it
   * then waits out its lease like a claim whose process died.
   */
  handBackInFlight: boolean;
  /** Rows are only handled while this much of their lease remains; the rest are handed back. */
  minLeaseLeftMs?: number;
  /** Told how many rows were handed back because the lease ran low. */
  onLeaseLow?: (handedBack: number) => void;
}

export function createWorkQueue(table: QueueTable, deps: WorkQueueDeps) {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());
  const sql = { claim: claimSql(table), fail: failSql(table), handBack: handBackSql(table) };
  /** Claims a batch could not settle because the database went away: id → claim token. */
  const unsettled = new Map<string | number, string>();

  const changed = async (text: string, bind: unknown[], transaction?: Transaction) =>
    (await sequelize.query<{ id: unknown }>(text, { bind, type: QueryTypes.SELECT, transaction })).length > 0;

  async function handBack(claims: readonly { id: string | number; claimToken: string }[]): Promise<void> {
    for (const claim of claims) await changed(sql.handBack, [claim.id, claim.claimToken, now().toISOString()]);
  }

  async function handBackUnsettled(): Promise<void> {
    for (const [id, claimToken] of unsettled) {
      await handBack([{ id, claimToken }]);
      unsettled.delete(id);
    }
  }

  async function claim<Row>(limit: number): Promise<Claim<Row>[]> {
    await handBackUnsettled();
    const at = now();
    return sequelize.query<Claim<Row>>(sql.claim, {
      bind: [at.toISOString(), new Date(at.getTime() + deps.leaseMs).toISOString(), limit],
      type: QueryTypes.SELECT,
    });
  }

  return {
    claim,

    /** Gives claims back unsettled: due now, the attempt not counted; only those still ours. */
    handBack,

    /** Settles the row if the claim is still ours; false (nothing written) when it was taken over. */
    async settle(claim: Claim<unknown>, options: SettleOptions): Promise<boolean> {
      const columns = Object.entries(options.columns ?? {});
      const text = settleSql(
        table,
        columns.map(([name]) => name),
        options.commitWithoutFlush ?? false,
      );
      return changed(
        text,
        [claim.id, claim.claimToken, options.status, now().toISOString(), ...columns.map(([, value]) => value)],
        options.transaction,
      );
    },

    /**
     * Settles every row of `settled` whose claim is still ours, in one statement; how many were.
     * The extra columns hold text.
     */
    async settleAll(
      settled: readonly { claim: Claim<unknown>; status: string; columns?: Record<string, string> }[],
      options: Omit<SettleOptions, 'status' | 'columns'>,
    ): Promise<number> {
      const names = Object.keys(settled[0]?.columns ?? {});
      const rows = await sequelize.query<{ id: unknown }>(
        settleAllSql(table, names, options.commitWithoutFlush ?? false),
        {
          bind: [
            now().toISOString(),
            settled.map((s) => s.claim.id),
            settled.map((s) => s.claim.claimToken),
            settled.map((s) => s.status),
            ...names.map((name) => settled.map((s) => s.columns?.[name] ?? null)),
          ],
          type: QueryTypes.SELECT,
          transaction: options.transaction,
        },
      );
      return rows.length;
    },

    /**
     * Records a failed attempt, if the claim is still ours: `dead` (the error kept) when it was
     * permanent or the last attempt, otherwise due again after the backoff.
     */
    async fail(
      claim: Claim<unknown>,
      error: string,
      permanent = false,
    ): Promise<{ outcome: 'retry' | 'dead'; settled: boolean; nextAttemptAt: Date }> {
      const dead = permanent || claim.attempts >= deps.maxAttempts;
      const delayMs = dead ? 0 : Math.max(0, deps.backoffMs(claim.attempts));
      const nextAttemptAt = new Date(now().getTime() + delayMs);
      const settled = await changed(sql.fail, [
        claim.id,
        claim.claimToken,
        dead ? 'dead' : 'pending',
        error,
        nextAttemptAt.toISOString(),
      ]);
      return { outcome: dead ? 'dead' : 'retry', settled, nextAttemptAt };
    },

    /** An admin's replay: the row goes back to pending, due now, with a fresh set of attempts; never one in hand. */
    async replay(id: string | number, columns: Record<string, unknown> = {}): Promise<boolean> {
      const entries = Object.entries(columns);
      return changed(
        replaySql(
          table,
          entries.map(([name]) => name),
        ),
        [id, now().toISOString(), ...entries.map(([, value]) => value)],
      );
    },

    /**
     * Claims a batch and hands it to `handleAll` if given, else (or when it could not) each row
     * to `handle`, one at a time. A handler records its own failures; when it throws (the
     * database went away), the batch stops, its unsettled claims are kept for hand-back at the
     * next claim, and the error is thrown.
     */
    async runBatch<Row, Outcome extends string>(
      counts: Record<Outcome, number>,
      options: BatchOptions<Row, Outcome>,
    ): Promise<Record<Outcome, number>> {
      const claims = await claim<Row>(options.limit);
      if (options.order) claims.sort(options.order);
      if (options.handleAll && claims.length > 1) {
        let outcomes: Outcome[] | undefined;
        try {
          outcomes = await options.handleAll(claims);
        } catch (error) {
          for (const left of claims) unsettled.set(left.id, left.claimToken);
          throw error;
        }
        if (outcomes) {
          for (const outcome of outcomes) counts[outcome] += 1;
          return counts;
        }
      }
      for (const [index, item] of claims.entries()) {
        if (
          options.minLeaseLeftMs !== undefined &&
          item.lockedUntil.getTime() - now().getTime() < options.minLeaseLeftMs
        ) {
          await handBack(claims.slice(index));
          options.onLeaseLow?.(claims.length - index);
          break;
        }
        try {
          counts[await options.handle(item)] += 1;
        } catch (error) {
          // Neither the row's outcome nor its failure could be recorded (the database went away): stop here.
          for (const left of claims.slice(options.handBackInFlight ? index : index + 1))
            unsettled.set(left.id, left.claimToken);
          throw error;
        }
      }
      return counts;
    },
  };
}

export type WorkQueue = ReturnType<typeof createWorkQueue>;
