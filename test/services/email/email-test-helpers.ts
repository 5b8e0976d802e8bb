/** Mails and outbox reads shared by the email tests. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { OutgoingEmail } from '../../../src/services/email/email-outbox.ts';

export const APP_URL = 'http://localhost:3000';
export const MAIL_FROM = 'Chronos <no-reply@chronos.localhost>';

export function receiptMail(n: number, overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    dedupeKey: `receipt:pay_${n}`,
    template: 'receipt',
    to: `student${n}@example.com`,
    payload: {
      amountMinor: 4999,
      currency: 'usd',
      productTitle: 'Course One',
      paymentId: `pay_${n}`,
      paidAt: '2027-03-03T14:05:00.000Z',
    },
    ...overrides,
  };
}

export interface OutboxRow {
  id: number;
  dedupeKey: string;
  template: string;
  toAddress: string;
  subject: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

export function outboxRows(sequelize: Sequelize): Promise<OutboxRow[]> {
  return sequelize.query<OutboxRow>(
    `SELECT id, dedupe_key AS "dedupeKey", template, to_address AS "toAddress", subject, payload, status, attempts,
            next_attempt_at AS "nextAttemptAt", locked_until AS "lockedUntil", last_error AS "lastError", sent_at AS "sentAt"
       FROM email_outbox ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
}

export async function onlyRow(sequelize: Sequelize): Promise<OutboxRow> {
  const rows = await outboxRows(sequelize);
  if (rows.length !== 1) throw new Error(`expected one outbox row, found ${rows.length}`);
  return rows[0]!;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export { dateClock } from '../../support/test-clock.ts';
