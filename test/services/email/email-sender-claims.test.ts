/**
 * The sender's claims: several senders (separate connection pools, as separate processes
 * would have) never send one mail twice; lapsed claims are taken over; a claim that was taken
 * over is never overwritten; rows locked elsewhere are skipped, not waited for.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../../src/models/init-models.ts';
import { createSequelize } from '../../../src/db/database.ts';
import { enqueueEmail } from '../../../src/services/email/email-outbox.ts';
import { createEmailSender, type EmailSenderDeps } from '../../../src/services/email/email-sender.ts';
import {
  createMailTransport,
  type MailMessage,
  type MailTransport,
} from '../../../src/services/email/mail-transport.ts';
import { startTestApp, testDatabase, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { externalDatabaseUrl } from '../../support/test-env.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { APP_URL, MAIL_FROM, dateClock, onlyRow, outboxRows, receiptMail } from './email-test-helpers.ts';

const silent = pino({ level: 'silent' });
const MINUTE = 60_000;

describe('email sender: claims', () => {
  let t: TestApp;
  let sequelize: Sequelize;
  let otherInstance: Sequelize;
  let models: Models;
  let sink: SmtpSink;
  let smtp: MailTransport;
  let clock: ReturnType<typeof dateClock>;

  before(async () => {
    t = await startTestApp();
    ({ sequelize, models } = t.runtime.deps);
    otherInstance = createSequelize((await testDatabase()).url, silent);
    sink = await startSmtpSink();
    smtp = createMailTransport({ smtpUrl: sink.url, devMailboxUrl: 'http://127.0.0.1:9/unused', logger: silent });
  });
  after(async () => {
    await smtp.close();
    await sink.close();
    await otherInstance.close();
    await t.close();
  });
  beforeEach(async () => {
    await cleanTables(sequelize);
    sink.received.length = 0;
    clock = dateClock();
  });

  const senderOn = (db: Sequelize, overrides: Partial<EmailSenderDeps> = {}) =>
    createEmailSender({
      sequelize: db,
      models,
      transport: smtp,
      mailFrom: MAIL_FROM,
      appUrl: APP_URL,
      logger: silent,
      now: clock.now,
      ...overrides,
    });
  /** A transport that runs `during` while "sending", then delegates to (or fails instead of) SMTP. */
  const transportDuring = (during: (message: MailMessage) => Promise<void>, fail = false): MailTransport => ({
    async send(message) {
      await during(message);
      if (fail) throw new Error('smtp down');
      await smtp.send(message);
    },
    async close() {},
  });
  const enqueueMany = async (count: number) => {
    for (let n = 1; n <= count; n += 1) await enqueueEmail(models, receiptMail(n), { appUrl: APP_URL });
  };

  it('two senders draining 50 mails at once send each mail exactly once', async () => {
    await enqueueMany(50);
    const drain = async (sender: ReturnType<typeof senderOn>) => {
      let sent = 0;
      for (;;) {
        const run = await sender.sendDue(5);
        if (run.sent + run.failed + run.dead === 0) return sent;
        sent += run.sent;
      }
    };
    const [a, b] = await Promise.all([drain(senderOn(sequelize)), drain(senderOn(otherInstance))]);

    expect(a + b).to.equal(50);
    expect(a, 'first sender took part').to.be.greaterThan(0);
    expect(b, 'second sender took part').to.be.greaterThan(0);
    const recipients = sink.received.map((m) => m.envelopeTo.join(','));
    expect(recipients).to.have.length(50);
    expect(new Set(recipients).size).to.equal(50);
    const rows = await outboxRows(sequelize);
    expect(
      rows.every((r) => r.status === 'sent' && r.attempts === 1),
      'every row claimed once and sent',
    ).to.equal(true);
  });

  it('takes over a claim whose lease has lapsed, but not one still held', async () => {
    await enqueueMany(2);
    const lapsed = new Date(clock.now().getTime() - MINUTE);
    const held = new Date(clock.now().getTime() + MINUTE);
    await sequelize.query(
      `UPDATE email_outbox SET attempts = 1, locked_until = $1::timestamptz WHERE dedupe_key = 'receipt:pay_1'`,
      { bind: [lapsed.toISOString()] },
    );
    await sequelize.query(
      `UPDATE email_outbox SET attempts = 1, locked_until = $1::timestamptz WHERE dedupe_key = 'receipt:pay_2'`,
      { bind: [held.toISOString()] },
    );

    expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });

    const [first, second] = await outboxRows(sequelize);
    expect(first).to.include({ status: 'sent', attempts: 2, lockedUntil: null });
    expect(second).to.include({ status: 'pending', attempts: 1 });
    expect(second!.lockedUntil?.getTime()).to.equal(held.getTime());
    expect(sink.received.map((m) => m.envelopeTo[0])).to.deep.equal(['student1@example.com']);
  });

  it('does not overwrite a claim another sender took over while this one was sending', async () => {
    await enqueueMany(1);
    const takeover = new Date(clock.now().getTime() + 10 * MINUTE);
    const stealClaim = async () => {
      await sequelize.query(
        `UPDATE email_outbox SET attempts = attempts + 1, locked_until = $1::timestamptz, claim_token = gen_random_uuid()`,
        { bind: [takeover.toISOString()] },
      );
    };

    expect(await senderOn(sequelize, { transport: transportDuring(stealClaim) }).sendDue()).to.deep.equal({
      sent: 1,
      failed: 0,
      dead: 0,
    });
    let row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'pending', attempts: 2 });
    expect(row.lockedUntil?.getTime(), 'the new holder keeps its claim').to.equal(takeover.getTime());

    await sequelize.query(`UPDATE email_outbox SET attempts = 0, locked_until = NULL`);
    expect(await senderOn(sequelize, { transport: transportDuring(stealClaim, true) }).sendDue()).to.deep.equal({
      sent: 0,
      failed: 1,
      dead: 0,
    });
    row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'pending', attempts: 2, lastError: null });
    expect(row.lockedUntil?.getTime()).to.equal(takeover.getTime());
  });

  it('hands back the rest of a batch, unsent and without spending an attempt, when the lease runs low', async () => {
    await enqueueMany(3);
    const slowSend = transportDuring(async () => clock.advance(6_000));
    expect(await senderOn(sequelize, { transport: slowSend, leaseMs: 10_000 }).sendDue()).to.deep.equal({
      sent: 1,
      failed: 0,
      dead: 0,
    });
    const rows = await outboxRows(sequelize);
    expect(rows.map((r) => [r.status, r.attempts, r.lockedUntil])).to.deep.equal([
      ['sent', 1, null],
      ['pending', 0, null],
      ['pending', 0, null],
    ]);
    expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 2, failed: 0, dead: 0 });
    expect(sink.received).to.have.length(3);
  });

  it('does not send a mail before its next attempt is due', async () => {
    await enqueueMany(1);
    await sequelize.query(`UPDATE email_outbox SET next_attempt_at = $1::timestamptz`, {
      bind: [new Date(clock.now().getTime() + MINUTE).toISOString()],
    });
    expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 0, failed: 0, dead: 0 });
    clock.advance(MINUTE);
    expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
  });

  // PGlite runs one transaction at a time, so a row lock held open elsewhere would block the
  // claim itself there; on PostgreSQL the claim must skip the locked row without waiting.
  if (externalDatabaseUrl)
    it('skips rows locked by another transaction instead of waiting (PostgreSQL)', async () => {
      await enqueueMany(2);
      const lockHolder = await otherInstance.transaction();
      try {
        await otherInstance.query(`SELECT id FROM email_outbox WHERE dedupe_key = 'receipt:pay_1' FOR UPDATE`, {
          transaction: lockHolder,
        });
        const started = Date.now();
        expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
        expect(Date.now() - started).to.be.below(2_000);
        expect(sink.received.map((m) => m.envelopeTo[0])).to.deep.equal(['student2@example.com']);
      } finally {
        await lockHolder.commit();
      }
      expect(await senderOn(sequelize).sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
      expect(sink.received).to.have.length(2);
    });
});
