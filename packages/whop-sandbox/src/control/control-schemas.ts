/**
 * Request bodies of the control API and the UI forms (the UI turns blank fields into
 * absent ones first). Ids may be given as `user` or `user_id`, `product` or `product_id`.
 * Amounts: `amount` is an exact decimal in the currency's major unit (`"29.99"`,
 * `"0.00012345"` for BTC; checked against the currency's precision when used);
 * `amount_cents` is an integer in minor units. Either, not both; default: the plan's price.
 */
import { z } from 'zod';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../sandbox-core.ts';
import { WHOP_CURRENCIES } from '../serializers/money.ts';
import { MEMBERSHIP_STATUSES } from '../state/sandbox-records.ts';
import { isApiVersionDate, LATEST_API_VERSION_DATE } from '../webhooks/payload-version.ts';
import { EVENT_TYPE_PATTERN } from '../webhooks/webhook-event.ts';

const userId = z.string().regex(/^user_[A-Za-z0-9_]+$/, 'expected a user id (user_…)');
const productId = z.string().regex(/^prod_[A-Za-z0-9_]+$/, 'expected a product id (prod_…)');
const planId = z.string().regex(/^plan_[A-Za-z0-9_]+$/, 'expected a plan id (plan_…)');
const companyId = z.string().regex(/^biz_[A-Za-z0-9_]+$/, 'expected a company id (biz_…)');
const membershipId = z.string().regex(/^mem_[A-Za-z0-9_]+$/, 'expected a membership id (mem_…)');
const paymentId = z.string().regex(/^pay_[A-Za-z0-9_]+$/, 'expected a payment id (pay_…)');
const status = z.enum(MEMBERSHIP_STATUSES);
const currency = z.enum(WHOP_CURRENCIES, {
  message: "expected one of Whop's currencies, such as usd, eur, btc, usdt or whop_usd",
});
const decimalAmount = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{1,15}(\.\d{1,18})?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'expected a decimal amount in currency units, e.g. 29.99' });
    return z.NEVER;
  }
  return text;
});
const centsAmount = z.coerce.number().int().min(0).max(100_000_000);

const subject = {
  user: userId.optional(),
  user_id: userId.optional(),
  product: productId.optional(),
  product_id: productId.optional(),
};

export const createUserSchema = z.object({
  id: userId.optional(),
  username: z.string().regex(/^[A-Za-z0-9_.-]{2,40}$/, 'letters, digits, _ . - (2 to 40)'),
  name: z.string().trim().max(80).optional(),
  email: z.email().optional(),
});

export const createMembershipSchema = z
  .object({ ...subject, plan: planId.optional(), plan_id: planId.optional(), status: status.optional() })
  .transform((b, ctx) => {
    const user = b.user ?? b.user_id;
    const product = b.product ?? b.product_id;
    if (!user || !product) {
      ctx.addIssue({ code: 'custom', message: 'user and product are required' });
      return z.NEVER;
    }
    return { userId: user, productId: product, planId: b.plan ?? b.plan_id, status: b.status };
  });

export const membershipStatusSchema = z.object({ status });

export const cancelAtPeriodEndSchema = z.object({
  cancel_at_period_end: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
});

export const paymentSchema = z
  .object({
    ...subject,
    membership_id: membershipId.optional(),
    plan: planId.optional(),
    outcome: z.enum(['succeeded', 'failed', 'pending', 'authorized', 'canceled']).default('succeeded'),
    amount: decimalAmount.optional(),
    amount_cents: centsAmount.optional(),
    currency: currency.optional(),
  })
  .refine((b) => b.amount === undefined || b.amount_cents === undefined, {
    message: 'give amount or amount_cents, not both',
  })
  .transform((b) => ({
    membershipId: b.membership_id,
    userId: b.user ?? b.user_id,
    productId: b.product ?? b.product_id,
    planId: b.plan,
    outcome: b.outcome,
    amount: b.amount,
    amountCents: b.amount_cents,
    currency: b.currency,
  }))
  .refine((b) => b.membershipId || (b.userId && b.productId), { message: 'give membership_id, or user and product' });

export const eventSchema = z
  .object({
    type: z.string().regex(EVENT_TYPE_PATTERN, 'expected an event type such as membership.activated'),
    ...subject,
    company: companyId.optional(),
    company_id: companyId.optional(),
    membership_id: membershipId.optional(),
    payment_id: paymentId.optional(),
    refund_id: z
      .string()
      .regex(/^rfnd_[A-Za-z0-9_]+$/, 'expected a refund id (rfnd_…)')
      .optional(),
    dispute_id: z
      .string()
      .regex(/^dspt_[A-Za-z0-9_]+$/, 'expected a dispute id (dspt_…)')
      .optional(),
    /** A membership status, or a refund or dispute status for those events. */
    status: z
      .string()
      .regex(/^[a-z_]{2,40}$/, 'expected a status such as active, succeeded or needs_response')
      .optional(),
    amount: decimalAmount.optional(),
    currency: currency.optional(),
    reason: z.string().trim().min(1).max(200).optional(),
    alert_type: z.enum(['dispute', 'dispute_rdr', 'fraud']).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((b) => ({
    type: b.type,
    userId: b.user ?? b.user_id,
    productId: b.product ?? b.product_id,
    companyId: b.company ?? b.company_id,
    membershipId: b.membership_id,
    paymentId: b.payment_id,
    refundId: b.refund_id,
    disputeId: b.dispute_id,
    status: b.status,
    amount: b.amount,
    currency: b.currency,
    reason: b.reason,
    alertType: b.alert_type,
    data: b.data,
  }));

/** `POST /sandbox/api/webhooks/:id` (or `/webhooks/all`): the payload version and names of a webhook. */
export const webhookSettingsSchema = z
  .object({
    /** `"2026-11-17"`: pinned to that date; `"latest"`: pinned to the newest date; null or `"unpinned"`: unpinned. */
    api_version_date: z.union([z.string(), z.null()]).optional(),
    api_version: z.enum(['v1', 'v5']).optional(),
    event_names: z.enum(['dotted', 'underscore']).optional(),
    enabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  })
  .transform((b, ctx) => {
    let date: string | null | undefined = b.api_version_date;
    if (date === 'unpinned' || date === '') date = null;
    if (date === 'latest') date = LATEST_API_VERSION_DATE;
    if (typeof date === 'string' && !isApiVersionDate(date)) {
      ctx.addIssue({
        code: 'custom',
        path: ['api_version_date'],
        message: 'expected a date such as 2026-11-17 (or 2026-09-02-1), "latest", or null / "unpinned"',
      });
      return z.NEVER;
    }
    return { apiVersionDate: date, apiVersion: b.api_version, eventNames: b.event_names, enabled: b.enabled };
  });

export const companyRefSchema = z.object({ company_id: companyId });

export const installSchema = z.object({ company_id: companyId, user_id: userId });

/** `POST /sandbox/api/rate_limit`: the next `calls` calls of `/api/v1` answer 429 ("Try again in N seconds."). */
export const rateLimitSchema = z.object({
  calls: z.coerce.number().int().min(0).max(10_000),
  retry_in_seconds: z.coerce.number().int().min(1).max(3600).default(12),
});

/** `POST /sandbox/api/app`: the registered app's settings. */
export const appSettingsSchema = z.object({
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS as [string, ...string[]]),
});

export const mailSchema = z
  .object({
    from: z.string().min(1).max(320),
    to: z
      .union([z.string().min(1).max(2000), z.array(z.string().min(1).max(320)).min(1)])
      .transform((v) => (Array.isArray(v) ? v.join(', ') : v)),
    subject: z.string().max(500).default(''),
    text: z.string().max(500_000).optional(),
    html: z.string().max(1_000_000).optional(),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, { message: 'text or html is required' })
  .transform((m) => ({ from: m.from, to: m.to, subject: m.subject, text: m.text ?? null, html: m.html ?? null }));

/** Form posts send every field; blank ones mean "not given". */
export function withoutBlankFields(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([, v]) => !(typeof v === 'string' && v.trim() === '')),
  );
}
