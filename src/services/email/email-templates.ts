/**
 * The mails Chronos sends, one per template: its payload (validated with zod, so a bad payload
 * fails loudly where it is enqueued) and its wording. `renderEmail` gives subject, plain text
 * and HTML (every value escaped, see `email-layout.ts`), each with a link to the dashboard.
 */
import { z } from 'zod';
import { ValidationError } from '../../domain/app-errors.ts';
import { EMAIL_TEMPLATES, type EmailTemplate } from '../../models/email-outbox-model.ts';
import { formatDate, formatDateTime } from '../../domain/dates.ts';
import { formatMoney, singleLine } from './email-format.ts';
import { renderHtml, renderText, type EmailBrand, type EmailContent } from './email-layout.ts';
import { ACCENT_COLOR } from '../../domain/accent-color.ts';

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
  .regex(
    /^(?:[A-Za-z]{3}|usdt|whop_usd)$/i,
    "expected a three-letter ISO 4217 code or one of Whop's own (usdt, whop_usd)",
  )
  .transform((v) => v.toUpperCase());
/** Exact decimal text in major units ("49.99", "0.00012"): how amounts in any currency Whop sends are mailed. */
const decimalAmount = z.string().regex(/^\d{1,30}(\.\d{1,30})?$/, 'expected a decimal amount such as 49.99');
/** An amount as minor units (ISO currencies) or as exact decimal text (any currency); one of them. */
const money = { amountMinor: amountMinor.optional(), amount: decimalAmount.optional() };
const hasAmount = (p: { amountMinor?: unknown; amount?: unknown }) =>
  p.amountMinor !== undefined || p.amount !== undefined;
const instant = z
  .union([z.date(), z.string().min(1)], { error: 'expected an ISO 8601 date' })
  .pipe(z.coerce.date({ error: 'expected an ISO 8601 date' }));

const schemas = {
  welcome: z.object({ creatorName: name, studentName: optionalText(200) }),
  expiration: z.object({ creatorName: name, membershipStatus: z.string().trim().min(1).max(50) }),
  receipt: z
    .object({
      ...money,
      currency,
      productTitle: optionalText(200),
      paymentId: z.string().trim().min(1).max(100),
      paidAt: instant,
    })
    .refine(hasAmount, {
      message: 'expected amountMinor (integer minor units) or amount (decimal text)',
      path: ['amountMinor'],
      when: () => true,
    }),
  payment_failed: z
    .object({ ...money, currency, productTitle: optionalText(200), failureMessage: optionalText(500) })
    .refine(hasAmount, {
      message: 'expected amountMinor (integer minor units) or amount (decimal text)',
      path: ['amountMinor'],
      when: () => true,
    }),
  grace_period: z.object({ graceEndsAt: instant, tierName: z.string().trim().min(1).max(50) }),
  trial_ending: z.object({ productName: name, trialEndsAt: instant.nullish().transform((v) => v ?? undefined) }),
} satisfies Record<EmailTemplate, z.ZodType>;

/**
 * A creator's branding on the mails their students get (optional `branding` in the payload;
 * see services/branding). Chronos's own mails to creators (`grace_period`) never carry one.
 */
const STUDENT_TEMPLATES: readonly EmailTemplate[] = [
  'welcome',
  'expiration',
  'receipt',
  'payment_failed',
  'trial_ending',
];
const emailBrand = z.object({
  name,
  logoUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  accentColor: z.string().regex(ACCENT_COLOR, 'expected #rrggbb').optional(),
});

function brandOf(template: EmailTemplate, payload: Record<string, unknown>): EmailBrand | undefined {
  if (!STUDENT_TEMPLATES.includes(template) || payload.branding === undefined) return undefined;
  const result = emailBrand.safeParse(payload.branding);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `branding.${i.path.join('.')}: ${i.message}`);
  throw new InvalidEmailError(`Invalid payload for the "${template}" email: ${problems.join('; ')}`, problems);
}

type Payloads = { [T in EmailTemplate]: z.output<(typeof schemas)[T]> };

const label = (value: string) => value.replace(/_/g, ' ');

/**
 * An amount for a mail: ISO currencies through Intl (from minor units, or from the exact decimal
 * text), anything else Whop sends (usdt, whop_usd, btc) as the exact decimal and its code.
 */
function mailedAmount(p: { amountMinor?: bigint | undefined; amount?: string | undefined; currency: string }): string {
  try {
    if (p.amountMinor !== undefined) return formatMoney(p.amountMinor, p.currency);
    if (/^[A-Z]{3}$/.test(p.currency) && !['BTC', 'ETH', 'APE', 'XAU'].includes(p.currency)) {
      return new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: p.currency,
        maximumFractionDigits: 20,
      }).format(p.amount as `${number}`);
    }
  } catch {
    // Not a currency Intl knows: fall through to the plain form.
  }
  return `${p.amount ?? String(p.amountMinor)} ${p.currency}`;
}
const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

const contents: { [T in EmailTemplate]: (p: Payloads[T]) => EmailContent } = {
  welcome: (p) => ({
    subject: `Welcome to ${p.creatorName}'s course`,
    heading: p.studentName ? `Welcome, ${p.studentName}!` : 'Welcome!',
    paragraphs: [
      `You now have access to ${p.creatorName}'s course on Chronos.`,
      'Open your dashboard to start watching.',
    ],
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
    const amount = mailedAmount(p);
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
    const amount = mailedAmount(p);
    const paragraphs = [
      `Your payment of ${amount}${p.productTitle ? ` for ${p.productTitle}` : ''} did not go through.`,
    ];
    if (p.failureMessage) paragraphs.push(`Reason given: ${p.failureMessage}`);
    paragraphs.push('Update your payment method on Whop to keep your access.');
    return {
      subject: `Your payment of ${amount} failed`,
      heading: 'Your payment failed',
      paragraphs,
      actionLabel: 'Open your dashboard',
    };
  },
  trial_ending: (p) => trialEnding(p),
  grace_period: (p) => {
    const tier = capitalised(p.tierName);
    return {
      subject: `Your Chronos payment failed: you keep ${tier} until ${formatDate(p.graceEndsAt)}`,
      heading: 'Your Chronos plan payment failed',
      paragraphs: [
        `The payment for your Chronos ${tier} plan did not go through. You keep the ${tier} tier and its limits ` +
          `until ${formatDateTime(p.graceEndsAt)}.`,
        'Update your payment method on Whop before then. After that your account moves to the free tier; nothing ' +
          'is deleted, but new uploads and students beyond the free limits are refused.',
      ],
      actionLabel: 'Open your dashboard',
    };
  },
};

function trialEnding(p: Payloads['trial_ending']): EmailContent {
  const when = p.trialEndsAt ? ` on ${formatDate(p.trialEndsAt)}` : ' soon';
  const at = p.trialEndsAt ? ` on ${formatDateTime(p.trialEndsAt)}` : ' soon';
  return {
    subject: `Your free trial of ${p.productName} ends${when}`,
    heading: 'Your trial is ending',
    paragraphs: [
      `Your free trial of ${p.productName} ends${at}.`,
      'If you keep your membership, Whop charges it then and your access goes on; to stop, cancel it on Whop ' +
        'before that date.',
    ],
    actionLabel: 'Open your dashboard',
  };
}

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
export function renderEmail(
  template: EmailTemplate,
  payload: Record<string, unknown>,
  ctx: { appUrl: string },
): RenderedEmail {
  if (!isEmailTemplate(template)) throw new InvalidEmailError(`Unknown email template "${String(template)}".`);
  const content: EmailContent = {
    ...(contents[template] as (p: Payloads[EmailTemplate]) => EmailContent)(parsePayload(template, payload)),
    branding: brandOf(template, payload),
  };
  const subject = singleLine(content.subject);
  const dashboardUrl = `${ctx.appUrl.replace(/\/+$/, '')}/dashboard`;
  return {
    subject,
    text: renderText({ ...content, subject }, dashboardUrl),
    html: renderHtml({ ...content, subject }, dashboardUrl),
  };
}
