/**
 * The `data` of legacy v5 webhooks (`{action, api_version: "v5", data}`), as `@whop/api`
 * (0.0.51) types it: flat ids, Unix-second times, a `valid` flag on memberships, and
 * numeric amounts in the currency's major unit (`final_amount: 10` for $10).
 */
import { isValidStatus } from '../state/sandbox-records.ts';
import type { DisputeRecord, MembershipRecord, PaymentRecord, RefundRecord } from '../state/sandbox-records.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { amountToNumber } from './money.ts';

function unix(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

export function serializeV5Membership(ctx: SerializerContext, membership: MembershipRecord) {
  const user = ctx.state.getUser(membership.user_id);
  return {
    id: membership.id,
    product_id: membership.product_id,
    user_id: user ? user.id : null,
    plan_id: membership.plan_id,
    page_id: membership.company_id,
    created_at: unix(membership.created_at) ?? 0,
    expires_at: unix(membership.renewal_period_end),
    renewal_period_start: unix(membership.renewal_period_start),
    renewal_period_end: unix(membership.renewal_period_end),
    quantity: 1,
    status: membership.status,
    valid: isValidStatus(membership.status),
    cancel_at_period_end: membership.cancel_at_period_end,
    license_key: null,
    metadata: membership.metadata ?? {},
    checkout_id: null,
    affiliate_username: null,
    manage_url: `${ctx.origin}/sandbox/memberships#${membership.id}`,
    company_buyer_id: null,
    marketplace: false,
    custom_field_responses: [],
  };
}

const V5_PAYMENT_STATUS: Record<PaymentRecord['substatus'], string> = {
  succeeded: 'paid',
  pending: 'pending',
  failed: 'failed',
  canceled: 'void',
  refunded: 'refunded',
  partially_refunded: 'partially_refunded',
};

export function serializeV5Payment(ctx: SerializerContext, payment: PaymentRecord) {
  const user = ctx.state.getUser(payment.user_id);
  const amount = amountToNumber(payment.amount);
  return {
    id: payment.id,
    membership_id: payment.membership_id,
    product_id: payment.product_id,
    user_id: user ? user.id : null,
    plan_id: payment.plan_id,
    company_id: payment.company_id,
    line_item_id: null,
    created_at: unix(payment.created_at) ?? 0,
    paid_at: unix(payment.paid_at),
    refunded_at: unix(payment.refunded_at),
    last_payment_attempt: unix(payment.updated_at),
    next_payment_attempt: null,
    status: V5_PAYMENT_STATUS[payment.substatus],
    subtotal: amount,
    final_amount: amount,
    amount_after_fees: amount,
    currency: payment.currency,
    refunded_amount: payment.refunded_amount === null ? null : amountToNumber(payment.refunded_amount),
    payments_failed: payment.substatus === 'failed' ? 1 : 0,
    checkout_id: null,
    card_brand: 'visa',
    card_last_4: payment.substatus === 'failed' ? '0002' : '4242',
  };
}

export function serializeV5Refund(ctx: SerializerContext, refund: RefundRecord) {
  const payment = ctx.state.getPayment(refund.payment_id);
  return {
    id: refund.id,
    status: refund.status,
    amount: amountToNumber(refund.amount),
    currency: refund.currency,
    gateway_type: 'stripe',
    created_at: unix(refund.created_at) ?? 0,
    payment_id: refund.payment_id,
    payment: payment ? serializeV5Payment(ctx, payment) : null,
  };
}

export function serializeV5Dispute(ctx: SerializerContext, dispute: DisputeRecord) {
  const payment = ctx.state.getPayment(dispute.payment_id);
  return {
    id: dispute.id,
    status: dispute.status,
    amount: amountToNumber(dispute.amount),
    currency: dispute.currency,
    created_at: unix(dispute.created_at) ?? 0,
    payment_id: dispute.payment_id,
    payment: payment ? serializeV5Payment(ctx, payment) : null,
  };
}
