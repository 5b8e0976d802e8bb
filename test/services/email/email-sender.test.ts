import { expect } from 'chai';
import { pino } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../../src/models/init-models.ts';
import { enqueueEmail } from '../../../src/services/email/email-outbox.ts';
import {
  createEmailSender,
  defaultEmailBackoff,
  type EmailSenderDeps,
} from '../../../src/services/email/email-sender.ts';
import { createMailTransport, type MailTransport } from '../../../src/services/email/mail-transport.ts';
import { capturingLogger, startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { freePort } from '../../support/free-port.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { startTestSandbox } from '@chronos/whop-sandbox/testing';
import { APP_URL, MAIL_FROM, dateClock, onlyRow, outboxRows, receiptMail } from './email-test-helpers.ts';

const silent = pino({ level: 'silent' });
const MINUTE = 60_000;

describe('email sender', () => {
  let t: TestApp;
  let sequelize: Sequelize;
  let models: Models;
  let sink: SmtpSink;
  let transports: MailTransport[];
  let clock: ReturnType<typeof dateClock>;

  before(async () => {
    t = await startTestApp();
    ({ sequelize, models } = t.runtime.deps);
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink.close();
    await t.close();
  });
  beforeEach(async () => {
    await cleanTables(sequelize);
    sink.received.length = 0;
    sink.rejectRecipients = null;
    sink.rejectData = null;
    transports = [];
    clock = dateClock();
  });
  afterEach(async () => {
    for (const transport of transports) await transport.close();
  });

  function smtpSender(overrides: Partial<EmailSenderDeps> & { smtpUrl?: string } = {}) {
    const { smtpUrl = sink.url, ...rest } = overrides;
    const logger = rest.logger ?? silent;
    const transport = createMailTransport({ smtpUrl, devMailboxUrl: 'http://127.0.0.1:9/unused', logger });
    transports.push(transport);
    return createEmailSender({
      sequelize,
      models,
      transport,
      mailFrom: MAIL_FROM,
      appUrl: APP_URL,
      logger,
      now: clock.now,
      backoffMs: (attempt) => attempt * MINUTE,
      ...rest,
    });
  }
  const enqueue = (mail: Parameters<typeof enqueueEmail>[1]) => enqueueEmail(models, mail, { appUrl: APP_URL });

  it('delivers queued mail over SMTP as multipart text + HTML and marks it sent', async () => {
    await enqueue(receiptMail(1));
    await enqueue({
      dedupeKey: 'welcome:evt_1',
      template: 'welcome',
      to: 'grace@example.com',
      payload: { creatorName: 'Ada Lovelace', studentName: 'Grace' },
    });
    const sender = smtpSender();

    expect(await sender.sendDue()).to.deep.equal({ sent: 2, failed: 0, dead: 0 });

    expect(sink.received).to.have.length(2);
    const receipt = sink.received.find((m) => m.envelopeTo[0] === 'student1@example.com')!;
    expect(receipt.envelopeTo).to.deep.equal(['student1@example.com']);
    expect(receipt.envelopeFrom).to.equal('no-reply@chronos.localhost');
    expect(receipt.subject).to.equal('Your receipt: $49.99 for Course One');
    expect(receipt.contentType).to.match(/^multipart\/alternative/);
    expect(receipt.text).to.include('We received your payment of $49.99 for Course One.');
    expect(receipt.html).to.include('$49.99');
    expect(receipt.text).to.include(`${APP_URL}/dashboard`);
    const welcome = sink.received.find((m) => m.envelopeTo[0] === 'grace@example.com')!;
    expect(welcome.subject).to.equal("Welcome to Ada Lovelace's course");
    expect(welcome.text).to.include("access to Ada Lovelace's course");
    expect(welcome.html).to.include('Welcome, Grace!');

    for (const row of await outboxRows(sequelize)) {
      expect(row).to.include({ status: 'sent', attempts: 1, lockedUntil: null, lastError: null });
      expect(row.sentAt?.getTime()).to.equal(clock.now().getTime());
    }
    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 0, dead: 0 });
    expect(sink.received).to.have.length(2);
  });

  it('sends a mail whose dedupe key was enqueued 20 times exactly once, over several runs', async () => {
    const mail = receiptMail(9);
    for (let i = 0; i < 10; i += 1) await enqueue(mail);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        sequelize.transaction((transaction) => enqueueEmail(models, mail, { appUrl: APP_URL, transaction })),
      ),
    );
    const sender = smtpSender();
    for (let run = 0; run < 4; run += 1) {
      await sender.sendDue();
      clock.advance(10 * MINUTE);
    }
    expect(sink.received).to.have.length(1);
    expect(sink.received[0]!.envelopeTo).to.deep.equal(['student9@example.com']);
  });

  it('keeps a mail the server refuses (RCPT 450) pending with the error, then sends it once the server accepts', async () => {
    await enqueue(receiptMail(1));
    const sender = smtpSender();
    sink.rejectRecipients = { code: 450, message: 'Mailbox busy, try later' };
    const firstTry = clock.now();

    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 1, dead: 0 });
    let row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'pending', attempts: 1, lockedUntil: null });
    expect(row.lastError)
      .to.match(/450/)
      .and.match(/Mailbox busy/);
    expect(row.nextAttemptAt.getTime()).to.equal(firstTry.getTime() + 1 * MINUTE);

    clock.advance(30_000);
    expect(await sender.sendDue(), 'not due before the backoff has passed').to.deep.equal({
      sent: 0,
      failed: 0,
      dead: 0,
    });

    clock.advance(30_000);
    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 1, dead: 0 });
    row = await onlyRow(sequelize);
    expect(row.attempts).to.equal(2);
    expect(row.nextAttemptAt.getTime()).to.equal(clock.now().getTime() + 2 * MINUTE);

    sink.rejectRecipients = null;
    clock.advance(2 * MINUTE);
    expect(await sender.sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
    clock.advance(60 * MINUTE);
    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 0, dead: 0 });
    expect(sink.received).to.have.length(1);
    row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'sent', attempts: 3, lastError: null });
  });

  it('retries a message refused after DATA (554) the same way', async () => {
    await enqueue(receiptMail(1));
    const sender = smtpSender();
    sink.rejectData = { code: 554, message: 'Message rejected as spam' };
    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 1, dead: 0 });
    const row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row.lastError).to.match(/554/);
    expect(sink.received).to.have.length(0);
  });

  it('keeps mail pending with a connection error when no SMTP server listens', async () => {
    await enqueue(receiptMail(1));
    const sender = smtpSender({ smtpUrl: `smtp://127.0.0.1:${await freePort()}` });
    expect(await sender.sendDue()).to.deep.equal({ sent: 0, failed: 1, dead: 0 });
    const row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row.lastError).to.match(/ECONNREFUSED|ECONNECTION/);
  });

  it('marks a mail dead after maxAttempts failures and never tries it again', async () => {
    await enqueue(receiptMail(1));
    const sender = smtpSender({ maxAttempts: 3 });
    sink.rejectRecipients = { code: 550, message: 'No such user here' };
    const results = [];
    for (let run = 0; run < 5; run += 1) {
      results.push(await sender.sendDue());
      clock.advance(10 * MINUTE);
    }
    expect(results).to.deep.equal([
      { sent: 0, failed: 1, dead: 0 },
      { sent: 0, failed: 1, dead: 0 },
      { sent: 0, failed: 0, dead: 1 },
      { sent: 0, failed: 0, dead: 0 },
      { sent: 0, failed: 0, dead: 0 },
    ]);
    const row = await onlyRow(sequelize);
    expect(row).to.include({ status: 'dead', attempts: 3, lockedUntil: null });
    expect(row.lastError).to.match(/550 .*No such user here|550/);
    sink.rejectRecipients = null;
    await sender.sendDue();
    expect(sink.received).to.have.length(0);
  });

  it('marks a row whose payload cannot be rendered dead at once', async () => {
    await sequelize.query(
      `INSERT INTO email_outbox (dedupe_key, template, to_address, subject, payload) VALUES ('bad', 'receipt', 'a@example.com', 'x', '{"currency":"usd"}')`,
    );
    expect(await smtpSender().sendDue()).to.deep.equal({ sent: 0, failed: 0, dead: 1 });
    const row = await onlyRow(sequelize);
    expect(row.status).to.equal('dead');
    expect(row.lastError).to.match(/^cannot render: .*amountMinor/);
  });

  it('logs the masked recipient, template and id, but never a body or the SMTP password', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'chronos', pass: 'p4ss-w0rd-s3cret' } });
    try {
      const { logger, lines } = capturingLogger('debug');
      await enqueue({
        dedupeKey: 'welcome:1',
        template: 'welcome',
        to: 'grace@example.com',
        payload: { creatorName: 'Zanzibar Quux' },
      });
      await enqueue(receiptMail(2));
      const good = smtpSender({ smtpUrl: authSink.url, logger });
      expect(await good.sendDue(1)).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
      expect(authSink.received).to.have.length(1);

      const wrongPassword = authSink.url.replace('p4ss-w0rd-s3cret', 'wrong-s3cret-pass');
      expect(await smtpSender({ smtpUrl: wrongPassword, logger }).sendDue()).to.deep.equal({
        sent: 0,
        failed: 1,
        dead: 0,
      });
      const failed = (await outboxRows(sequelize)).find((r) => r.status === 'pending')!;
      expect(failed.lastError).to.match(/535|EAUTH/);
      expect(failed.lastError).not.to.include('s3cret');

      const log = lines.join('');
      expect(log).to.include('"emailId":1').and.include('"template":"welcome"').and.include('"to":"g***@example.com"');
      for (const secret of [
        'grace@example.com',
        'student2@example.com',
        'p4ss-w0rd-s3cret',
        'wrong-s3cret-pass',
        'Zanzibar',
        '$49.99',
        'Open your dashboard',
      ])
        expect(log).not.to.include(secret);
    } finally {
      await authSink.close();
    }
  });

  it('masks the recipient an SMTP refusal quotes, in the log and in the stored error', async () => {
    const { logger, lines } = capturingLogger('debug');
    sink.rejectRecipients = { code: 550, message: '5.1.1 <student7@example.com>: Recipient address rejected' };
    await enqueue(receiptMail(7));
    expect(await smtpSender({ logger, maxAttempts: 1 }).sendDue()).to.deep.equal({ sent: 0, failed: 0, dead: 1 });

    const row = await onlyRow(sequelize);
    expect(row.lastError).to.include('550').and.include('s***@example.com');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const dead = records.find((r) => r.msg === 'email is dead: no more attempts')!;
    expect(dead.to).to.equal('s***@example.com');
    expect(dead.error).to.include('s***@example.com');
    for (const text of [...lines, row.lastError]) expect(text).not.to.include('student7@example.com');
  });

  it('delivers to the sandbox dev mailbox when no SMTP_URL is set', async () => {
    const sandbox = await startTestSandbox();
    try {
      await enqueue(receiptMail(4));
      const transport = createMailTransport({ devMailboxUrl: `${sandbox.url}/sandbox/api/mailbox`, logger: silent });
      const sender = createEmailSender({
        sequelize,
        models,
        transport,
        mailFrom: MAIL_FROM,
        appUrl: APP_URL,
        logger: silent,
        now: clock.now,
      });
      expect(await sender.sendDue()).to.deep.equal({ sent: 1, failed: 0, dead: 0 });
      const { data } = (await (await fetch(`${sandbox.url}/sandbox/api/mailbox`)).json()) as {
        data: { to: string; from: string; subject: string; text: string; html: string }[];
      };
      expect(data).to.have.length(1);
      expect(data[0]).to.include({
        to: 'student4@example.com',
        from: MAIL_FROM,
        subject: 'Your receipt: $49.99 for Course One',
      });
      expect(data[0]!.text).to.include('$49.99');
      expect(data[0]!.html).to.include('$49.99');
      expect((await onlyRow(sequelize)).status).to.equal('sent');
    } finally {
      await sandbox.close();
    }
  });

  it('backs off exponentially with jitter from 30 s, capped at an hour', () => {
    for (let i = 0; i < 50; i += 1) {
      expect(defaultEmailBackoff(1)).to.be.within(15_000, 30_000);
      expect(defaultEmailBackoff(3)).to.be.within(60_000, 120_000);
      expect(defaultEmailBackoff(30)).to.be.within(30 * MINUTE, 60 * MINUTE);
    }
  });
});
