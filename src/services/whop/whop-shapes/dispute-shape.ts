/**
 * Whop disputes and dispute alerts in any shape, as Chronos's own Dispute and DisputeAlert.
 * Dispute (SDK `Dispute`; `dispute.created/updated`): `amount` (decimal), `currency`, `status`,
 * `reason`, `needs_response_by`, `company{id}`, `payment{id}`, `product{id}`, `created_at`;
 * flat/native and v5 (`DisputeWebhookData`): `payment_id`, `account_id`/`company_id`, Unix times.
 * Dispute alert (SDK `dispute-alerts.ts`; `dispute_alert.created`): `alert_type`, `amount`,
 * `currency`, `charge_for_alert`, `dispute|null`, `payment|null`, `transaction_date`; no status.
 */
import {
  checkedId,
  currencyCode,
  idOf,
  instant,
  isObject,
  money,
  ShapeError,
  text,
  type PayloadShape,
} from './shape-primitives.ts';

/** Dispute statuses that still need or await a decision (SDK `DisputeStatuses`). */
export const OPEN_DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
] as const;

export interface Dispute {
  id: string;
  paymentId: string | null;
  companyId: string | null;
  amount: string;
  currency: string;
  status: string;
  reason: string | null;
  needsResponseBy: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  shape: PayloadShape;
}

export interface DisputeAlert {
  id: string;
  alertType: string;
  paymentId: string | null;
  disputeId: string | null;
  amount: string | null;
  currency: string | null;
  createdAt: Date | null;
  shape: PayloadShape;
}

const ID = /^[a-z]+_[A-Za-z0-9_]+$/;

export function toDispute(raw: unknown, ctx: { companyId?: string | null; legacy?: boolean } = {}): Dispute {
  if (!isObject(raw)) throw new ShapeError('dispute data is not an object');
  const d = raw;
  const amount = money(d.amount, 'dispute amount');
  const currency = currencyCode(d.currency) ?? amount?.currency ?? null;
  if (!amount || !currency) throw new ShapeError('dispute amount or currency is missing');
  return {
    id: checkedId(text(d.id), ID, 'dispute id'),
    paymentId: idOf(d.payment, d.payment_id),
    companyId: idOf(d.company, d.company_id, d.account, d.account_id, ctx.companyId),
    amount: amount.amount,
    currency,
    status: (text(d.status) ?? 'other').toLowerCase(),
    reason: text(d.reason),
    needsResponseBy: instant(d.needs_response_by, 'dispute needs_response_by'),
    createdAt: instant(d.created_at, 'dispute created_at'),
    updatedAt: instant(d.updated_at, 'dispute updated_at'),
    shape: ctx.legacy ? 'v5' : isObject(d.payment) || isObject(d.company) ? 'nested' : 'flat',
  };
}

export function toDisputeAlert(raw: unknown, ctx: { legacy?: boolean } = {}): DisputeAlert {
  if (!isObject(raw)) throw new ShapeError('dispute alert data is not an object');
  const a = raw;
  const amount = money(a.amount, 'dispute alert amount');
  return {
    id: checkedId(text(a.id), ID, 'dispute alert id'),
    alertType: (text(a.alert_type) ?? 'dispute').toLowerCase(),
    paymentId: idOf(a.payment, a.payment_id),
    disputeId: idOf(a.dispute, a.dispute_id),
    amount: amount?.amount ?? null,
    currency: currencyCode(a.currency) ?? amount?.currency ?? null,
    createdAt: instant(a.created_at, 'dispute alert created_at'),
    shape: ctx.legacy ? 'v5' : isObject(a.payment) || isObject(a.dispute) ? 'nested' : 'flat',
  };
}
