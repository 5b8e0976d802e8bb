/** How Chronos sends mail: production names its SMTP server and sender; development has a mail catcher. */
import type { ParsedEnv } from './env-schema.ts';
import { required } from './production-requirements.ts';

export interface MailSettings {
  smtpUrl: string | undefined;
  mailFrom: string;
}

export function productionMailSettings(env: ParsedEnv): MailSettings {
  return { smtpUrl: required(env.SMTP_URL), mailFrom: required(env.MAIL_FROM) };
}

export function developmentMailSettings(env: ParsedEnv): MailSettings {
  return { smtpUrl: env.SMTP_URL, mailFrom: env.MAIL_FROM ?? 'Chronos <no-reply@chronos.localhost>' };
}
