/**
 * Queues a mail in `email_outbox`. Callers pass the transaction of the change that causes the
 * mail (a membership activated, a payment stored), so the mail exists exactly when that change
 * commits; `dedupeKey` (unique in the table) makes a retried or replayed event queue it once.
 * The email sender (`email-sender.ts`) delivers what is queued here.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Models } from '../../models/init-models.ts';
import { InvalidEmailError, renderEmail, type EmailTemplate } from './email-templates.ts';

export interface OutgoingEmail {
  /** Names the cause, e.g. `welcome:<webhook id>` or `receipt:<payment id>`; the same key is queued once. */
  dedupeKey: string;
  template: EmailTemplate;
  to: string;
  payload: Record<string, unknown>;
}

const emailAddress = z.email().max(320);
const dedupeKey = z.string().min(1).max(500);

/** The payload as it will read back from `jsonb`: dates become ISO strings, bigints decimal strings. */
function toStoredPayload(payload: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  ) as Record<string, unknown>;
}

/** Whether mail can be queued for this address (Whop may send none, or one that is malformed). */
export function isMailableAddress(value: unknown): value is string {
  return typeof value === 'string' && emailAddress.safeParse(value.trim()).success;
}

/**
 * Inserts the mail (subject rendered now, body rendered when sent) with
 * `ON CONFLICT (dedupe_key) DO NOTHING`, inside `options.transaction` when given.
 * Resolves true when the mail is newly queued, false when that key was queued before.
 * Throws `InvalidEmailError`, writing nothing, for a bad address, key, template or payload.
 */
export async function enqueueEmail(
  models: Pick<Models, 'EmailOutbox'>,
  mail: OutgoingEmail,
  options: { transaction?: Transaction; appUrl: string },
): Promise<boolean> {
  const to = typeof mail.to === 'string' ? mail.to.trim() : '';
  if (!emailAddress.safeParse(to).success)
    throw new InvalidEmailError(
      `Cannot queue the "${mail.template}" email: the recipient is not a valid email address.`,
    );
  if (!dedupeKey.safeParse(mail.dedupeKey).success)
    throw new InvalidEmailError('Cannot queue an email without a dedupe key (1 to 500 characters).');
  const payload = toStoredPayload(mail.payload);
  // Renders the stored form, so what the sender reads back later is known to render too.
  const { subject } = renderEmail(mail.template, payload, { appUrl: options.appUrl });

  const { EmailOutbox } = models;
  const sequelize = EmailOutbox.sequelize;
  if (!sequelize) throw new Error('The EmailOutbox model is not initialised.');
  const rows = await sequelize.query<{ id: number }>(
    `INSERT INTO email_outbox (dedupe_key, template, to_address, subject, payload)
     VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    {
      bind: [mail.dedupeKey, mail.template, to, subject, JSON.stringify(payload)],
      type: QueryTypes.SELECT,
      transaction: options.transaction,
    },
  );
  return rows.length === 1;
}
