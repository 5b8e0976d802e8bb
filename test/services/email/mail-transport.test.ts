import { expect } from 'chai';
import { pino } from 'pino';
import {
  createMailTransport,
  MailDeliveryError,
  redactDeliveryError,
} from '../../../src/services/email/mail-transport.ts';
import { capturingLogger } from '../../support/test-runtime.ts';
import { freePort } from '../../support/free-port.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { startTestSandbox, type TestSandbox } from '@chronos/whop-sandbox/testing';
import { MAIL_FROM, rejectionOf } from './email-test-helpers.ts';

const silent = pino({ level: 'silent' });
const message = {
  from: MAIL_FROM,
  to: 'grace@example.com',
  subject: 'Hello ¥500',
  text: 'plain body',
  html: '<p>html body</p>',
};

describe('mail transport', () => {
  describe('dev mailbox (no SMTP_URL)', () => {
    let sandbox: TestSandbox;
    before(async () => (sandbox = await startTestSandbox()));
    after(() => sandbox.close());

    it('posts the mail to the sandbox, where GET /sandbox/api/mailbox lists it', async () => {
      const transport = createMailTransport({ devMailboxUrl: `${sandbox.url}/sandbox/api/mailbox`, logger: silent });
      await transport.send(message);
      const { data } = (await (await fetch(`${sandbox.url}/sandbox/api/mailbox`)).json()) as {
        data: Record<string, unknown>[];
      };
      expect(data[0]).to.include(message);
      await transport.close();
    });

    it('fails on a non-2xx answer and when the mailbox is unreachable', async () => {
      const notFound = createMailTransport({
        devMailboxUrl: `${sandbox.url}/sandbox/api/no-such-mailbox`,
        logger: silent,
      });
      const error = await rejectionOf(notFound.send(message));
      expect(error).to.be.instanceOf(MailDeliveryError);
      expect(error.message).to.match(/^dev mailbox answered 404/);

      const refused = createMailTransport({
        devMailboxUrl: `http://127.0.0.1:${await freePort()}/sandbox/api/mailbox`,
        logger: silent,
      });
      expect((await rejectionOf(refused.send(message))).message).to.match(/^dev mailbox unreachable: ECONNREFUSED/);
    });
  });

  describe('SMTP', () => {
    it('logs in, delivers a multipart mail and logs no credentials', async () => {
      const sink = await startSmtpSink({ auth: { user: 'mailer', pass: 'hunter2-secret' } });
      const { logger, lines } = capturingLogger('debug');
      const transport = createMailTransport({ smtpUrl: sink.url, devMailboxUrl: 'http://127.0.0.1:9/unused', logger });
      try {
        await transport.send(message);
        expect(sink.received).to.have.length(1);
        const [mail] = sink.received;
        expect(mail!.envelopeTo).to.deep.equal(['grace@example.com']);
        expect(mail!.subject).to.equal('Hello ¥500');
        expect(mail!.text.trim()).to.equal('plain body');
        expect(mail!.html.trim()).to.equal('<p>html body</p>');
        expect(lines.join('')).not.to.include('hunter2');
      } finally {
        await transport.close();
        await sink.close();
      }
    });

    it('fails with a short error that names the SMTP reply and holds no password', async () => {
      const sink = await startSmtpSink({ auth: { user: 'mailer', pass: 'right-password' } });
      const transport = createMailTransport({
        smtpUrl: `smtp://mailer:wrong-password@127.0.0.1:${sink.port}`,
        devMailboxUrl: 'http://127.0.0.1:9/unused',
        logger: silent,
      });
      try {
        const error = await rejectionOf(transport.send(message));
        expect(error).to.be.instanceOf(MailDeliveryError);
        expect(error.message).to.match(/^smtp \[EAUTH 535\]/);
        expect(error.message).not.to.include('password');
      } finally {
        await transport.close();
        await sink.close();
      }
    });
  });

  it('redacts credentials from URLs in errors and keeps them to one short line', () => {
    expect(redactDeliveryError('cannot reach smtp://user:pa55@mail.example:587\nretrying')).to.equal(
      'cannot reach smtp://[redacted]@mail.example:587 retrying',
    );
    expect(redactDeliveryError('x'.repeat(1000))).to.have.length(300);
  });
});
