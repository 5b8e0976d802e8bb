/**
 * Refunds, disputes, dispute alerts and invoices in the shapes `@whop/sdk` types for their
 * webhook events (`refund.*`, `dispute.*`, `dispute_alert.created`, `invoice.*`). Whop's
 * native (pinned) shapes of these are not published (UNCONFIRMED), so every payload
 * version sends these.
 */
import type { Dispute } from '@whop/sdk/resources/disputes';
import type { Invoice } from '@whop/sdk/resources/shared';
import type { DisputeAlertCreatedWebhookEvent, RefundCreatedWebhookEvent } from '@whop/sdk/resources/webhooks';
import type { DisputeRecord, InvoiceRecord, PaymentRecord, RefundRecord } from '../state/sandbox-records.ts';
import type { DisputeAlertRecord } from '../webhooks/webhook-event.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { amountToNumber, displayDecimals } from './money.ts';

type Currency = Invoice.CurrentPlan['currency'];

function paymentSummary(ctx: SerializerContext, payment: PaymentRecord | undefined) {
  if (!payment) return null;
  const membership = payment.membership_id ? ctx.state.getMembership(payment.membership_id) : undefined;
  const user = ctx.state.getUser(payment.user_id);
  const amount = amountToNumber(payment.amount);
  return {
    id: payment.id,
    billing_reason: payment.billing_reason,
    card_brand: 'visa' as const,
    card_last4: '4242',
    created_at: payment.created_at,
    currency: payment.currency as Currency,
    dispute_alerted_at: payment.dispute_alerted_at,
    member: membership ? { id: membership.member_id, phone: null } : null,
    membership: membership ? { id: membership.id, status: membership.status } : null,
    paid_at: payment.paid_at,
    payment_method_type: 'card' as const,
    subtotal: amount,
    total: amount,
    usd_total: payment.currency === 'usd' ? amount : null,
    user: user ? { id: user.id, email: user.email, name: user.name, username: user.username } : null,
  };
}

export function serializeRefund(ctx: SerializerContext, refund: RefundRecord): RefundCreatedWebhookEvent.Data {
  const payment = ctx.state.getPayment(refund.payment_id);
  const summary = paymentSummary(ctx, payment);
  return {
    id: refund.id,
    amount: amountToNumber(refund.amount),
    created_at: refund.created_at,
    currency: refund.currency as Currency,
    payment:
      summary && payment
        ? {
            ...summary,
            metadata: {},
            plan: { id: payment.plan_id, metadata: {} },
            product: { id: payment.product_id, metadata: {} },
            tax_amount: 0,
            tax_behavior: null,
            tax_refunded_amount: null,
          }
        : null,
    provider: 'stripe',
    provider_created_at: refund.created_at,
    reference_status: refund.status === 'succeeded' ? 'available' : 'pending',
    reference_type: 'acquirer_reference_number',
    reference_value: refund.status === 'succeeded' ? `ARN${refund.id.slice(5, 17)}` : null,
    status: refund.status,
  };
}

export function serializeDispute(ctx: SerializerContext, dispute: DisputeRecord): Dispute {
  const payment = ctx.state.getPayment(dispute.payment_id);
  const company = ctx.state.getCompany(dispute.company_id);
  const product = payment ? ctx.state.getProduct(payment.product_id) : undefined;
  const user = payment ? ctx.state.getUser(payment.user_id) : undefined;
  return {
    id: dispute.id,
    amount: amountToNumber(dispute.amount),
    currency: dispute.currency as Currency,
    status: dispute.status,
    reason: dispute.reason,
    needs_response_by: dispute.needs_response_by,
    editable: ['needs_response', 'warning_needs_response'].includes(dispute.status),
    visa_rdr: false,
    created_at: dispute.created_at,
    company: company ? { id: company.id, title: company.title } : null,
    payment: paymentSummary(ctx, payment),
    plan: payment ? { id: payment.plan_id } : null,
    product: product ? { id: product.id, title: product.title } : null,
    customer_email_address: user?.email ?? null,
    customer_name: user?.name ?? null,
    access_activity_log: null,
    billing_address: null,
    cancellation_policy_attachment: null,
    cancellation_policy_disclosure: null,
    customer_communication_attachment: null,
    notes: null,
    product_description: null,
    refund_policy_attachment: null,
    refund_policy_disclosure: null,
    refund_refusal_explanation: null,
    service_date: null,
    uncategorized_attachment: null,
  };
}

export function serializeDisputeAlert(
  ctx: SerializerContext,
  alert: DisputeAlertRecord,
): DisputeAlertCreatedWebhookEvent.Data {
  const payment = ctx.state.getPayment(alert.payment_id);
  const dispute = alert.dispute_id ? ctx.state.getDispute(alert.dispute_id) : undefined;
  return {
    id: alert.id,
    alert_type: alert.alert_type,
    amount: amountToNumber(alert.amount),
    charge_for_alert: false,
    created_at: alert.created_at,
    currency: alert.currency as Currency,
    dispute: dispute
      ? {
          id: dispute.id,
          amount: amountToNumber(dispute.amount),
          created_at: dispute.created_at,
          currency: dispute.currency as Currency,
          reason: dispute.reason,
          status: dispute.status,
        }
      : null,
    payment: paymentSummary(ctx, payment),
    transaction_date: payment?.paid_at ?? payment?.created_at ?? null,
  };
}

export function serializeInvoice(ctx: SerializerContext, invoice: InvoiceRecord): Invoice {
  const membership = ctx.state.getMembership(invoice.membership_id);
  const plan = membership ? ctx.state.getPlan(membership.plan_id) : undefined;
  const user = membership ? ctx.state.getUser(membership.user_id) : undefined;
  const amount = amountToNumber(invoice.amount);
  return {
    id: invoice.id,
    created_at: invoice.created_at,
    current_plan: {
      id: membership?.plan_id ?? '',
      currency: invoice.currency as Currency,
      formatted_price: `${amount.toFixed(displayDecimals(invoice.currency))} ${invoice.currency.toUpperCase()}${plan?.billing_period ? ` / ${plan.billing_period} days` : ''}`,
    },
    due_date: invoice.due_date,
    email_address: user?.email ?? null,
    fetch_invoice_token: `inv_token_${invoice.id.slice(4)}`,
    line_items: [{ label: plan?.title ?? 'Membership', position: 0, quantity: 1, total: amount, unit_price: amount }],
    number: invoice.number,
    status: invoice.status,
    user: user ? { id: user.id, name: user.name, username: user.username } : null,
  };
}
