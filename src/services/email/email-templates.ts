/**
 * The mails Chronos sends, one per template: its payload (validated with zod, so a bad payload
 * fails loudly where it is enqueued) and its wording. `renderEmail` gives subject, plain text
 * and HTML (every value escaped, see `email-layout.ts`), each with a link to the dashboard.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { EMAIL_TEMPLATES, type EmailTemplate } from '../../models/email-outbox-model.ts';
import { formatDate, formatDateTime, formatMoney, singleLine } from './email-format.ts';
import { renderHtml, renderText, type EmailContent } from './email-layout.ts';

export { EMAIL_TEMPLATES, type EmailTemplate };

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export class InvalidEmailError extends ValidationError {}

const name = z.string().trim().min(1).max(200);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || undefined);
/** Integer minor units: a safe integer, a bigint, or a string of digits (Postgres `bigint` arrives as one). */
const amountMinor = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n), z.string().regex(/^\d{1,18}$/)], {
    error: 'expected a non-negative integer amount in minor units (4999 for $49.99)',
  })
  .transform((v) => BigInt(v));
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'expected a three-letter ISO 4217 code')
  .transform((v) => v.toUpperCase());
const instant = z
  .union([z.date(), z.string().min(1)], { error: 'expected an ISO 8601 date' })
  .pipe(z.coerce.date({ error: 'expected an ISO 8601 date' }));

const schemas = {
  welcome: z.object({ creatorName: name, studentName: optionalText(200) }),
  expiration: z.object({ creatorName: name, membershipStatus: z.string().trim().min(1).max(50) }),
  receipt: z.object({ amountMinor, currency, productTitle: optionalText(200), paymentId: z.string().trim().min(1).max(100), paidAt: instant }),
  payment_failed: z.object({ amountMinor, currency, productTitle: optionalText(200), failureMessage: optionalText(500) }),
  grace_period: z.object({ graceEndsAt: instant, tierName: z.string().trim().min(1).max(50) }),
} satisfies Record<EmailTemplate, z.ZodType>;

type Payloads = { [T in EmailTemplate]: z.output<(typeof schemas)[T]> };

const label = (value: string) => value.replace(/_/g, ' ');
const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

const contents: { [T in EmailTemplate]: (p: Payloads[T]) => EmailContent } = {
  welcome: (p) => ({
    subject: `Welcome to ${p.creatorName}'s course`,
    heading: p.studentName ? `Welcome, ${p.studentName}!` : 'Welcome!',
    paragraphs: [`You now have access to ${p.creatorName}'s course on Chronos.`, 'Open your dashboard to start watching.'],
    actionLabel: 'Open your dashboard',
  }),
  expiration: (p) => ({
    subject: `Your access to ${p.creatorName}'s course has ended`,
    heading: 'Your access has ended',
    paragraphs: [
      `Your membership is now ${label(p.membershipStatus)}, so your access to ${p.creatorName}'s course has ended.`,
      'Renew your membership on Whop to get your access back.',
    ],
    actionLabel: 'Open your dashboard',
  }),
  receipt: (p) => {
    const amount = formatMoney(p.amountMinor, p.currency);
    const details: [string, string][] = [['Amount', amount]];
    if (p.productTitle) details.push(['Product', p.productTitle]);
    details.push(['Payment ID', p.paymentId], ['Date', formatDateTime(p.paidAt)]);
    return {
      subject: p.productTitle ? `Your receipt: ${amount} for ${p.productTitle}` : `Your receipt for ${amount}`,
      heading: 'Thank you for your payment',
      paragraphs: [`We received your payment of ${amount}${p.productTitle ? ` for ${p.productTitle}` : ''}.`],
      details,
      actionLabel: 'Open your dashboard',
    };
  },
  payment_failed: (p) => {
    const amount = formatMoney(p.amountMinor, p.currency);
    const paragraphs = [`Your payment of ${amount}${p.productTitle ? ` for ${p.productTitle}` : ''} did not go through.`];
    if (p.failureMessage) paragraphs.push(`Reason given: ${p.failureMessage}`);
    paragraphs.push('Update your payment method on Whop to keep your access.');
    return { subject: `Your payment of ${amount} failed`, heading: 'Your payment failed', paragraphs, actionLabel: 'Open your dashboard' };
  },
  grace_period: (p) => {
    const tier = capitalised(p.tierName);
    const until = formatDate(p.graceEndsAt);
    return {
      subject: `Your Chronos payment failed: you keep ${tier} until ${until}`,
      heading: 'Your Chronos plan payment failed',
      paragraphs: [
        `The payment for your Chronos ${tier} plan did not go through. You keep the ${tier} tier and its limits until ${until} (UTC).`,
        'Update your payment method on Whop before then. After that your account moves to the free tier; nothing is deleted, but new uploads and students beyond the free limits are refused.',
      ],
      actionLabel: 'Open your dashboard',
    };
  },
};

function parsePayload<T extends EmailTemplate>(template: T, payload: unknown): Payloads[T] {
  const schema: z.ZodType = schemas[template];
  const result = schema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
    throw new InvalidEmailError(`Invalid payload for the "${template}" email: ${problems.join('; ')}`, problems);
  }
  return result.data as Payloads[T];
}

export function isEmailTemplate(value: unknown): value is EmailTemplate {
  return typeof value === 'string' && (EMAIL_TEMPLATES as readonly string[]).includes(value);
}

/** Subject, plain text and HTML of one mail. Throws `InvalidEmailError` for an unknown template or a bad payload. */
export function renderEmail(template: EmailTemplate, payload: Record<string, unknown>, ctx: { appUrl: string }): RenderedEmail {
  if (!isEmailTemplate(template)) throw new InvalidEmailError(`Unknown email template "${String(template)}".`);
  const content = (contents[template] as (p: Payloads[EmailTemplate]) => EmailContent)(parsePayload(template, payload));
  const subject = singleLine(content.subject);
  const dashboardUrl = `${ctx.appUrl.replace(/\/+$/, '')}/dashboard`;
  return { subject, text: renderText({ ...content, subject }, dashboardUrl), html: renderHtml({ ...content, subject }, dashboardUrl) };
}
