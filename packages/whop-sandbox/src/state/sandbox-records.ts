/**
 * What the sandbox stores. Records are flat and reference each other by id; the
 * serializers turn them into the nested JSON of Whop's v1 API.
 */
import type { SandboxUser } from '../sandbox-contracts.ts';

export const MEMBERSHIP_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'completed',
  'canceled',
  'expired',
  'unresolved',
  'drafted',
  'canceling',
] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/**
 * Statuses that grant access (v1 has no `valid` flag). `completed` is a one-time purchase
 * that keeps its access; Whop does not publish this table (UNCONFIRMED), see the README.
 */
export const VALID_MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ['active', 'trialing', 'canceling', 'completed'];

export function isValidStatus(status: MembershipStatus): boolean {
  return VALID_MEMBERSHIP_STATUSES.includes(status);
}

export type UserRecord = SandboxUser;

export interface CompanyRecord {
  id: string; // biz_…
  title: string;
  route: string;
  description: string | null;
  /** The owner is the first admin. */
  admin_user_ids: string[];
  created_at: string;
  updated_at: string;
}

export interface ProductRecord {
  id: string; // prod_…
  company_id: string;
  title: string;
  route: string;
  description: string | null;
  headline: string | null;
  visibility: 'visible' | 'hidden' | 'archived' | 'quick_link';
  created_at: string;
  updated_at: string;
}

export interface PlanRecord {
  id: string; // plan_…
  product_id: string;
  company_id: string;
  title: string | null;
  plan_type: 'renewal' | 'one_time';
  /** Days between renewals; null for one-time plans. */
  billing_period: number | null;
  /** Prices in minor units (cents); serialised as decimals as Whop does. */
  initial_price_cents: number;
  renewal_price_cents: number;
  currency: string;
  trial_period_days: number | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipRecord {
  id: string; // mem_…
  user_id: string;
  product_id: string;
  plan_id: string;
  company_id: string;
  member_id: string; // mber_…
  status: MembershipStatus;
  cancel_at_period_end: boolean;
  canceled_at: string | null;
  cancellation_reason: string | null;
  renewal_period_start: string | null;
  renewal_period_end: string | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  joined_at: string;
}

/** Receipt statuses of Whop's payments (`ReceiptStatus`) the sandbox uses. */
export type PaymentStatus = 'pending' | 'paid' | 'open' | 'void';
/** Friendly statuses of Whop's payments (`FriendlyReceiptStatus`) the sandbox uses. */
export type PaymentSubstatus = 'pending' | 'succeeded' | 'failed' | 'canceled' | 'refunded' | 'partially_refunded';

export interface PaymentRecord {
  id: string; // pay_…
  user_id: string;
  membership_id: string | null;
  product_id: string;
  plan_id: string;
  company_id: string;
  status: PaymentStatus;
  substatus: PaymentSubstatus;
  /** Exact decimal amount in the currency's major unit, at its precision (`"29.99"`, `"0.00012345"` BTC). */
  amount: string;
  currency: string;
  /** Exact decimal sum of the succeeded refunds, or null when nothing was refunded. */
  refunded_amount: string | null;
  refunded_at: string | null;
  dispute_alerted_at: string | null;
  billing_reason: 'subscription_create' | 'subscription_cycle' | 'one_time';
  failure_message: string | null;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SandboxData {
  users: UserRecord[];
  companies: CompanyRecord[];
  products: ProductRecord[];
  plans: PlanRecord[];
  memberships: MembershipRecord[];
  payments: PaymentRecord[];
  /** Companies that installed the registered app (see `APP_INSTALLED_COMPANY_IDS` in the seed). */
  installations: InstallationRecord[];
  /** The webhooks registered for the app, each with its payload version. */
  webhooks: WebhookRecord[];
  refunds: RefundRecord[];
  disputes: DisputeRecord[];
  invoices: InvoiceRecord[];
}

export interface InstallationRecord {
  company_id: string;
  /** The admin who installed it; null for the seed. */
  installed_by: string | null;
  installed_at: string;
}

/**
 * A registered webhook. `company` webhooks deliver the events of their own company
 * (`resource_id`); `app` webhooks deliver the events of every company that installed the app.
 */
export interface WebhookRecord {
  id: string; // hook_…
  kind: 'company' | 'app';
  /** The company of a `company` webhook; null for `app` webhooks. */
  resource_id: string | null;
  /** Where it POSTs; null = the registered app's webhook URL. */
  url: string | null;
  /** `v1`: Standard Webhooks; `v5`: the legacy scheme (`X-Whop-Signature`, `{action, data}`). */
  api_version: 'v1' | 'v5';
  /** The pinned `Api-Version-Date`; null = unpinned (Whop: the legacy nested payload shape). */
  api_version_date: string | null;
  /** `dotted` (v1 names) or `underscore` (the older names: `membership_went_valid`, `payment_succeeded`, …). */
  event_names: 'dotted' | 'underscore';
  enabled: boolean;
  created_at: string;
}

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface RefundRecord {
  id: string; // rfnd_…
  payment_id: string;
  company_id: string;
  amount: string;
  currency: string;
  status: RefundStatus;
  created_at: string;
  updated_at: string;
}

export type DisputeStatus =
  | 'warning_needs_response'
  | 'warning_under_review'
  | 'warning_closed'
  | 'needs_response'
  | 'under_review'
  | 'won'
  | 'lost'
  | 'closed'
  | 'other';

export interface DisputeRecord {
  id: string; // dspt_…
  payment_id: string;
  company_id: string;
  amount: string;
  currency: string;
  status: DisputeStatus;
  reason: string | null;
  needs_response_by: string | null;
  created_at: string;
  updated_at: string;
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'past_due' | 'uncollectible' | 'void';

export interface InvoiceRecord {
  id: string; // inv_…
  membership_id: string;
  company_id: string;
  number: string;
  status: InvoiceStatus;
  amount: string;
  currency: string;
  due_date: string | null;
  created_at: string;
  updated_at: string;
}
