/**
 * Payments in the legacy nested JSON shape of Whop's v1 API (`GET /payments/{id}`, the
 * `data` of unpinned webhooks): amounts are JSON numbers in the currency's major unit.
 */
import type { Payment } from '@whop/sdk/resources/shared';
import type { PaymentRecord } from '../state/sandbox-records.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { amountToNumber } from './money.ts';
import { serializeUserRef } from './user-serializer.ts';

export function serializePayment(ctx: SerializerContext, payment: PaymentRecord): Payment {
  const company = ctx.state.getCompany(payment.company_id);
  const product = ctx.state.getProduct(payment.product_id);
  const membership = payment.membership_id ? ctx.state.getMembership(payment.membership_id) : undefined;
  const amount = amountToNumber(payment.amount);
  const paid = payment.status === 'paid';
  const failed = payment.substatus === 'failed';
  // Stored currencies are Whop currencies; the SDK types the field as a union.
  const currency = payment.currency as Payment['currency'];
  return {
    id: payment.id,
    status: payment.status,
    substatus: payment.substatus,
    total: amount,
    subtotal: amount,
    usd_total: payment.currency === 'usd' ? amount : null,
    amount_after_fees: amount,
    settlement_amount: amount,
    settlement_currency: currency,
    settlement_exchange_rate: null,
    currency,
    tax_amount: 0,
    tax_behavior: null,
    tax_refunded_amount: null,
    billing_reason: payment.billing_reason,
    failure_message: payment.failure_message,
    paid_at: payment.paid_at,
    created_at: payment.created_at,
    updated_at: payment.updated_at,
    last_payment_attempt: payment.updated_at,
    next_payment_attempt: null,
    payments_failed: failed ? 1 : 0,
    company: company ? { id: company.id, route: company.route, title: company.title } : null,
    product: product ? { id: product.id, route: product.route, title: product.title, metadata: {} } : null,
    plan: { id: payment.plan_id, internal_notes: null, metadata: {} },
    membership: membership ? { id: membership.id, status: membership.status, phone_number: null } : null,
    member: membership ? { id: membership.member_id, phone: null } : null,
    user: serializeUserRef(ctx.state.getUser(payment.user_id)),
    card_brand: 'visa',
    card_last4: failed ? '0002' : '4242',
    payment_method_type: 'card',
    payment_method: null,
    application_fee: null,
    auto_refunded: false,
    billing_address: null,
    checkout_configuration_id: null,
    dispute_alerted_at: payment.dispute_alerted_at,
    disputes: ctx.state.disputesOfPayment(payment.id).map((d) => ({
      id: d.id,
      amount: amountToNumber(d.amount),
      currency: d.currency as Payment['currency'],
      editable: !['won', 'lost', 'closed'].includes(d.status),
      needs_response_by: d.needs_response_by,
      notes: null,
      reason: d.reason,
      status: d.status,
    })),
    financing_installments_count: null,
    financing_transactions: [],
    metadata: {},
    promo_code: null,
    refundable: paid && payment.substatus !== 'refunded',
    refunded_amount: payment.refunded_amount === null ? null : amountToNumber(payment.refunded_amount),
    refunded_at: payment.refunded_at,
    refunds: ctx.state.refundsOfPayment(payment.id).map((r) => ({
      id: r.id,
      amount: amountToNumber(r.amount),
      created_at: r.created_at,
      currency: r.currency as Payment['currency'],
      status: r.status,
    })),
    resolutions: [],
    retryable: failed,
    risk_score: null,
    risk_signals: null,
    shipping_address: null,
    three_ds_verified: false,
    voidable: payment.status === 'pending',
  };
}
