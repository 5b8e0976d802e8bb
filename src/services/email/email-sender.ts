/**
 * Delivers the mails queued in `email_outbox`, safely from any number of processes.
 *
 * One run of `sendDue`:
 * 1. Claims up to `limit` due rows in one statement (its own short transaction): pending rows
 *    whose `next_attempt_at` has come and that nobody holds, plus rows whose holder's lease
 *    (`locked_until`) has lapsed. `FOR UPDATE SKIP LOCKED` lets concurrent senders take disjoint
 *    rows without waiting on each other; the claim sets `locked_until = now + lease` and
 *    increments `attempts`, and commits before anything is sent.
 * 2. Renders and sends each claimed row with no transaction open (the embedded database runs
 *    one transaction at a time, and a slow SMTP server must never hold row locks).
 * 3. Records the outcome only while the claim is still ours: the UPDATE matches the `attempts`
 *    and `locked_until` values the claim wrote, which any later claim changes.
 *
 * Delivery is at least once. A mail is never sent twice in normal operation: a row is sent only
 * while at least half of its lease (at most 30 s) remains, and rows of a batch whose lease ran
 * low are handed back unsent. But if this process dies (or loses the database) between the SMTP
 * server accepting a mail and the `sent` update, the row stays claimed until `locked_until`
 * passes and is then sent again. SMTP gives no way to make that step atomic; the window is the
 * few milliseconds between the two. (If the database fails at that moment, `sendDue` rejects and
 * the rest of its batch also waits for the lease to lapse, then is tried again, not resent.)
 *
 * Times (due, lease) come from `now()` of the instance that claims, so instances' clocks must
 * agree to well within the lease; the lease margin above absorbs the usual NTP drift.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import { renderEmail, type EmailTemplate } from './email-templates.ts';
import { redactDeliveryError, type MailTransport } from './mail-transport.ts';

export interface EmailSenderDeps {
  sequelize: Sequelize;
  /** The outbox model (the sender's SQL runs on `sequelize`, so each instance can bring its own pool). */
  models: Pick<Models, 'EmailOutbox'>;
  transport: MailTransport;
  mailFrom: string;
  appUrl: string;
  logger: Logger;
  /** Attempts before a mail is `dead` (default 8). */
  maxAttempts?: number;
  /** How long a claim lasts (default 60 s). */
  leaseMs?: number;
  /** Delay before the next attempt after failed attempt number `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
  now?: () => Date;
}

export interface SendDueResult {
  /** Accepted by the transport. */
  sent: number;
  /** Failed and scheduled for another attempt. */
  failed: number;
  /** Failed for the last time (or cannot be rendered): now `dead`. */
  dead: number;
}

export interface EmailSender {
  sendDue(limit?: number): Promise<SendDueResult>;
}

interface ClaimedEmail {
  id: number;
  template: EmailTemplate;
  toAddress: string;
  payload: Record<string, unknown>;
  attempts: number;
  lockedUntil: Date;
}

const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 60 * 60 * 1000;

/** Exponential backoff with jitter: 30 s, 60 s, 2 min, … capped at 1 h, each scaled by a random 50–100 %. */
export function defaultEmailBackoff(attempt: number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + Math.random() * 0.5));
}

const CLAIM_SQL = `
  UPDATE email_outbox AS o
     SET attempts = o.attempts + 1, locked_until = $2::timestamptz
   WHERE o.id IN (
           SELECT id FROM email_outbox
            WHERE status = 'pending'
              AND ((locked_until IS NULL AND next_attempt_at <= $1::timestamptz) OR locked_until < $1::timestamptz)
            ORDER BY next_attempt_at, id
            LIMIT $3
              FOR UPDATE SKIP LOCKED)
  RETURNING o.id, o.template, o.to_address AS "toAddress", o.payload, o.attempts, o.locked_until AS "lockedUntil"`;

/** Matches the row only while it still carries this claim. */
const STILL_OURS = `id = $1 AND status = 'pending' AND attempts = $2 AND locked_until = $3::timestamptz`;

export function createEmailSender(deps: EmailSenderDeps): EmailSender {
  const { sequelize, transport, logger } = deps;
  const maxAttempts = deps.maxAttempts ?? 8;
  const leaseMs = deps.leaseMs ?? 60_000;
  const backoffMs = deps.backoffMs ?? defaultEmailBackoff;
  const now = deps.now ?? (() => new Date());
  /** A claimed row is only sent while this much of its lease remains. */
  const minLeaseLeftMs = Math.min(30_000, leaseMs / 2);

  const update = (sql: string, bind: unknown[]) => sequelize.query<{ id: number }>(`${sql} RETURNING id`, { bind, type: QueryTypes.SELECT });
  const claimBind = (row: ClaimedEmail) => [row.id, row.attempts, row.lockedUntil.toISOString()];

  async function claim(limit: number): Promise<ClaimedEmail[]> {
    const at = now();
    const rows = await sequelize.query<ClaimedEmail>(CLAIM_SQL, {
      bind: [at.toISOString(), new Date(at.getTime() + leaseMs).toISOString(), limit],
      type: QueryTypes.SELECT,
    });
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Gives back a claimed row that was not tried (its lease ran low), without spending an attempt. */
  async function release(row: ClaimedEmail): Promise<void> {
    await update(`UPDATE email_outbox SET locked_until = NULL, attempts = attempts - 1 WHERE ${STILL_OURS}`, claimBind(row));
  }

  async function markSent(row: ClaimedEmail, log: Logger): Promise<void> {
    const updated = await update(`UPDATE email_outbox SET status = 'sent', sent_at = $4::timestamptz, locked_until = NULL, last_error = NULL WHERE ${STILL_OURS}`, [
      ...claimBind(row),
      now().toISOString(),
    ]);
    if (updated.length === 1) log.info('email sent');
    else log.warn('email sent, but its claim had lapsed and was taken over: it may be sent again');
  }

  async function markFailed(row: ClaimedEmail, error: string, log: Logger, permanent = false): Promise<'failed' | 'dead'> {
    const dead = permanent || row.attempts >= maxAttempts;
    const nextAttemptAt = new Date(now().getTime() + Math.max(0, backoffMs(row.attempts)));
    const updated = await update(
      `UPDATE email_outbox SET status = $4, last_error = $5, next_attempt_at = $6::timestamptz, locked_until = NULL WHERE ${STILL_OURS}`,
      [...claimBind(row), dead ? 'dead' : 'pending', error, nextAttemptAt.toISOString()],
    );
    if (updated.length === 0) log.warn({ error }, 'email failed after its claim had lapsed; the new holder decides');
    else if (dead) log.error({ error }, 'email is dead: no more attempts');
    else log.warn({ error, nextAttemptAt }, 'email failed; will retry');
    return dead ? 'dead' : 'failed';
  }

  async function deliver(row: ClaimedEmail, result: SendDueResult): Promise<void> {
    const log = logger.child({ emailId: row.id, template: row.template, to: row.toAddress, attempt: row.attempts });
    let rendered;
    try {
      rendered = renderEmail(row.template, row.payload, { appUrl: deps.appUrl });
    } catch (error) {
      // A payload that does not render never will: no point retrying it.
      result[await markFailed(row, redactDeliveryError(`cannot render: ${(error as Error).message}`), log, true)] += 1;
      return;
    }
    try {
      await transport.send({ from: deps.mailFrom, to: row.toAddress, ...rendered });
    } catch (error) {
      result[await markFailed(row, redactDeliveryError(error instanceof Error ? error.message : String(error)), log)] += 1;
      return;
    }
    result.sent += 1;
    await markSent(row, log);
  }

  return {
    async sendDue(limit = 20) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('sendDue(limit): limit must be a positive integer');
      const result: SendDueResult = { sent: 0, failed: 0, dead: 0 };
      const claimed = await claim(limit);
      for (const [index, row] of claimed.entries()) {
        if (row.lockedUntil.getTime() - now().getTime() < minLeaseLeftMs) {
          for (const rest of claimed.slice(index)) await release(rest);
          logger.warn({ released: claimed.length - index }, 'email lease ran low; unsent mails handed back');
          break;
        }
        await deliver(row, result);
      }
      return result;
    },
  };
}
