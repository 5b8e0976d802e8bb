/**
 * How a rendered mail leaves Chronos: SMTP (nodemailer) when `SMTP_URL` is set, otherwise the
 * Whop sandbox's dev mailbox (`POST /sandbox/api/mailbox`), where the sandbox UI shows it.
 * Errors carry a short message without credentials; nothing here logs a body or a password.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { errorMessage } from '../../domain/app-errors.ts';
import { maskEmailAddressesIn } from './mask-address.ts';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /** Resolves once the mail is accepted (SMTP 250 after DATA, or a 2xx from the dev mailbox). */
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** A failed delivery; `message` is short and safe to store and log. */
export class MailDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

const TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 300;

/**
 * Removes `user:password@` from any URL in `text`, masks the mail addresses an SMTP reply quotes
 * (`550 <student@example.com>: unknown user`), flattens it to one line and caps its length.
 */
export function redactDeliveryError(text: string): string {
  const flat = maskEmailAddressesIn(text.replace(/\/\/[^\s/@]*@/g, '//[redacted]@'))
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MAX_ERROR_LENGTH ? `${flat.slice(0, MAX_ERROR_LENGTH - 1)}…` : flat;
}

function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, responseCode, command } = error as Error & {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
  };
  const tags = [
    code,
    typeof command === 'string' && command !== 'AUTH PLAIN' && command !== 'AUTH LOGIN' ? command : undefined,
    responseCode,
  ]
    .filter((t) => t !== undefined && t !== null && t !== '')
    .map(String);
  return `smtp${tags.length ? ` [${tags.join(' ')}]` : ''}: ${error.message}`;
}

function createSmtpTransport(smtpUrl: string, logger: Logger): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    dnsTimeout: TIMEOUT_MS,
    // nodemailer's own logger would print the conversation, bodies included: keep it off.
    logger: false,
    debug: false,
  });
  const where = URL.canParse(smtpUrl) ? new URL(smtpUrl) : undefined;
  logger.info({ transport: 'smtp', host: where?.hostname, port: where?.port || undefined }, 'mail transport: SMTP');
  return {
    async send(message) {
      try {
        await transporter.sendMail(message);
      } catch (error) {
        throw new MailDeliveryError(redactDeliveryError(describeSmtpError(error)));
      }
    },
    async close() {
      transporter.close();
    },
  };
}

function createDevMailboxTransport(devMailboxUrl: string, logger: Logger): MailTransport {
  logger.info(
    { transport: 'dev-mailbox', url: devMailboxUrl },
    'mail transport: the sandbox dev mailbox (SMTP_URL is not set)',
  );
  return {
    async send(message) {
      let response: Response;
      try {
        response = await fetch(devMailboxUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        throw new MailDeliveryError(redactDeliveryError(`dev mailbox unreachable: ${cause ?? errorMessage(error)}`));
      }
      const answer = await response.text().catch(() => '');
      if (!response.ok)
        throw new MailDeliveryError(
          redactDeliveryError(`dev mailbox answered ${response.status}: ${answer.slice(0, 200)}`),
        );
    },
    async close() {},
  };
}

export function createMailTransport(options: {
  smtpUrl?: string;
  devMailboxUrl: string;
  logger: Logger;
}): MailTransport {
  return options.smtpUrl
    ? createSmtpTransport(options.smtpUrl, options.logger)
    : createDevMailboxTransport(options.devMailboxUrl, options.logger);
}
