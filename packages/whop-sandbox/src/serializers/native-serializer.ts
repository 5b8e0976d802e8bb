/**
 * The native (flat) shapes Whop sends to webhooks pinned to a recent `api_version_date`:
 * ids instead of nested objects (`product_id`, `plan_id`, `user_id`), `account{…}` instead of
 * `company{…}`, `current_period_*` instead of `renewal_period_*`, no `updated_at`, and money
 * as objects `{amount: "50.00", currency, decimals, display_decimals}`.
 * Sources: docs.whop.com's current membership and payment pages, whopsdk-ruby's newer
 * `Types::Membership` (see the README; fields not seen there are left out).
 */
import type { MembershipRecord, PaymentRecord } from '../state/sandbox-records.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { moneyObject } from './money.ts';
import type { MoneyObject } from './money.ts';

export interface NativeMembership {
  id: string;
  status: string;
  account: { id: string; title: string; route: string; logo_url: string | null };
  product_id: string;
  plan_id: string;
  /** null when the user's account was deleted. */
  user_id: string | null;
  member: { id: string; access_level: 'customer'; last_accessed_at: string | null; position: string | null } | null;
  cancel_at_period_end: boolean;
  cancel_option: null;
  created_at: string;
  current_period_start: string | null;
  current_period_end: string | null;
  billing_period_days: number | null;
  license_key: string | null;
  metadata: Record<string, unknown> | null;
  phone_number: string | null;
  affiliate: null;
}

export function serializeNativeMembership(ctx: SerializerContext, membership: MembershipRecord): NativeMembership {
  const company = ctx.state.getCompany(membership.company_id);
  const plan = ctx.state.getPlan(membership.plan_id);
  const user = ctx.state.getUser(membership.user_id);
  return {
    id: membership.id,
    status: membership.status,
    account: { id: membership.company_id, title: company?.title ?? '', route: company?.route ?? '', logo_url: null },
    product_id: membership.product_id,
    plan_id: membership.plan_id,
    user_id: user ? user.id : null,
    member: { id: membership.member_id, access_level: 'customer', last_accessed_at: null, position: null },
    cancel_at_period_end: membership.cancel_at_period_end,
    cancel_option: null,
    created_at: membership.created_at,
    current_period_start: membership.renewal_period_start,
    current_period_end: membership.renewal_period_end,
    billing_period_days: plan?.billing_period ?? null,
    license_key: null,
    metadata: membership.metadata,
    phone_number: null,
    affiliate: null,
  };
}

export interface NativePayment {
  id: string;
  account_id: string;
  status: string;
  substatus: string;
  currency: string;
  total: MoneyObject;
  subtotal: MoneyObject;
  amount_charged: MoneyObject;
  amount_after_fees: MoneyObject;
  refunded_amount: MoneyObject | null;
  billing_reason: string;
  created_at: string;
  paid_at: string | null;
  refunded_at: string | null;
  auto_capture_at: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  decline_code: string | null;
  failure_message: string | null;
  dispute_alerted_at: string | null;
  line_items: Array<{ product_id: string; variant_id: string; subtotal: MoneyObject }>;
  member_id: string | null;
  membership_id: string | null;
  metadata: Record<string, unknown>;
  payment_method_id: string | null;
  plan_id: string;
  product_id: string;
  /** null when the user's account was deleted. */
  user_id: string | null;
}

export function serializeNativePayment(ctx: SerializerContext, payment: PaymentRecord): NativePayment {
  const user = ctx.state.getUser(payment.user_id);
  const membership = payment.membership_id ? ctx.state.getMembership(payment.membership_id) : undefined;
  const money = (amount: string) => moneyObject(amount, payment.currency);
  const failed = payment.substatus === 'failed';
  return {
    id: payment.id,
    account_id: payment.company_id,
    status: payment.status,
    substatus: payment.substatus,
    currency: payment.currency,
    total: money(payment.amount),
    subtotal: money(payment.amount),
    amount_charged: money(payment.amount),
    amount_after_fees: money(payment.amount),
    refunded_amount: payment.refunded_amount === null ? null : money(payment.refunded_amount),
    billing_reason: payment.billing_reason,
    created_at: payment.created_at,
    paid_at: payment.paid_at,
    refunded_at: payment.refunded_at,
    auto_capture_at: null,
    customer_email: user?.email ?? null,
    customer_phone: null,
    decline_code: failed ? 'card_declined' : null,
    failure_message: payment.failure_message,
    dispute_alerted_at: payment.dispute_alerted_at,
    line_items: [{ product_id: payment.product_id, variant_id: payment.plan_id, subtotal: money(payment.amount) }],
    member_id: membership?.member_id ?? null,
    membership_id: payment.membership_id,
    metadata: {},
    payment_method_id: null,
    plan_id: payment.plan_id,
    product_id: payment.product_id,
    user_id: user ? user.id : null,
  };
}
