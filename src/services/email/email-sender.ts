/**
 * Delivers the mails queued in `email_outbox`, safely from any number of processes: a handler of
 * the Postgres work queue (src/infra/work-queue/), which claims due rows with a lease and a token.
 *
 * Each claimed row is rendered and sent with no transaction open (a slow SMTP server must never
 * hold row locks), then recorded as sent or failed only while the claim is still ours.
 *
 * Delivery is at least once. A mail is never sent twice in normal operation: a row is sent only
 * while at least half of its lease (at most 30 s) remains, and rows of a batch whose lease ran
 * low are handed back unsent. But if this process dies (or loses the database) between the SMTP
 * server accepting a mail and the `sent` update, the row stays claimed until `locked_until`
 * passes and is then sent again. SMTP gives no way to make that step atomic; the window is the
 * few milliseconds between the two. (If the database fails at that moment, `sendDue` rejects;
 * the rest of its batch, not tried, is handed back once the database answers.)
 *
 * Times (due, lease) come from `now` of the instance that claims, so instances' clocks must
 * agree to well within the lease; the lease margin above absorbs the usual NTP drift.
 */
import type { Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import { renderEmail, type EmailTemplate } from './email-templates.ts';
import { redactDeliveryError, type MailTransport } from './mail-transport.ts';
import { createWorkQueue, type Claim, type QueueTable } from '../../infra/work-queue/work-queue.ts';
import { exponentialBackoff } from '../../infra/work-queue/backoff.ts';
import { errorMessage } from '../../domain/app-errors.ts';
import { maskEmailAddress } from './mask-address.ts';

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

interface EmailRow {
  template: EmailTemplate;
  toAddress: string;
  payload: Record<string, unknown>;
}

type ClaimedEmail = Claim<EmailRow> & { id: number };

/** Exponential backoff with jitter: 30 s, 60 s, 2 min, … capped at 1 h, each scaled by a random 50–100 %. */
export const defaultEmailBackoff = exponentialBackoff({ baseMs: 30_000, capMs: 60 * 60 * 1000 });

const EMAIL_OUTBOX: QueueTable = {
  name: 'email_outbox',
  claimedStatus: 'pending',
  settledAt: 'sent_at',
  returning: 'template, to_address AS "toAddress", payload',
  order: 'next_attempt_at, id',
  idType: 'integer',
};

export function createEmailSender(deps: EmailSenderDeps): EmailSender {
  const { transport, logger } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const queue = createWorkQueue(EMAIL_OUTBOX, {
    sequelize: deps.sequelize,
    maxAttempts: deps.maxAttempts ?? 8,
    leaseMs,
    backoffMs: deps.backoffMs ?? defaultEmailBackoff,
    now: deps.now,
  });
  /** A claimed row is only sent while this much of its lease remains. */
  const minLeaseLeftMs = Math.min(30_000, leaseMs / 2);

  async function markSent(row: ClaimedEmail, log: Logger): Promise<void> {
    if (await queue.settle(row, { status: 'sent' })) log.info('email sent');
    else log.warn('email sent, but its claim had lapsed and was taken over: it may be sent again');
  }

  async function markFailed(
    row: ClaimedEmail,
    error: string,
    log: Logger,
    permanent = false,
  ): Promise<'failed' | 'dead'> {
    const { outcome, settled, nextAttemptAt } = await queue.fail(row, error, permanent);
    if (!settled) log.warn({ error }, 'email failed after its claim had lapsed; the new holder decides');
    else if (outcome === 'dead') log.error({ error }, 'email is dead: no more attempts');
    else log.warn({ error, nextAttemptAt }, 'email failed; will retry');
    return outcome === 'dead' ? 'dead' : 'failed';
  }

  async function deliver(row: ClaimedEmail): Promise<'sent' | 'failed' | 'dead'> {
    // The address is masked: the row id leads an operator to the full one in the database.
    const log = logger.child({
      emailId: row.id,
      template: row.template,
      to: maskEmailAddress(row.toAddress),
      attempt: row.attempts,
    });
    let rendered;
    try {
      rendered = renderEmail(row.template, row.payload, { appUrl: deps.appUrl });
    } catch (error) {
      // A payload that does not render never will: no point retrying it.
      return markFailed(row, redactDeliveryError(`cannot render: ${errorMessage(error)}`), log, true);
    }
    try {
      await transport.send({ from: deps.mailFrom, to: row.toAddress, ...rendered });
    } catch (error) {
      return markFailed(row, redactDeliveryError(error instanceof Error ? error.message : String(error)), log);
    }
    await markSent(row, log);
    return 'sent';
  }

  return {
    async sendDue(limit = 20) {
      if (!Number.isInteger(limit) || limit < 1)
        throw new RangeError('sendDue(limit): limit must be a positive integer');
      return queue.runBatch<EmailRow & { id: number }, 'sent' | 'failed' | 'dead'>(
        { sent: 0, failed: 0, dead: 0 },
        {
          limit,
          handle: deliver,
          order: (a, b) => a.id - b.id,
          // A mail in hand may have left already: it waits out its lease rather than being sent again at once.
          handBackInFlight: false,
          minLeaseLeftMs,
          onLeaseLow: (released) => logger.warn({ released }, 'email lease ran low; unsent mails handed back'),
        },
      );
    },
  };
}
