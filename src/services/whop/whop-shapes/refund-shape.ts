/**
 * A Whop refund (`refund.created/updated` data) in any shape, as Chronos's own Refund.
 * nested (SDK `RefundRetrieveResponse`): `amount` number, `currency`, `status`,
 * `payment{id,…}|null`, ISO times; flat/native: money object amount, `payment_id`;
 * v5 (`@whop/api` `RefundWebhookData`): `payment_id`, Unix `created_at`.
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

export const REFUND_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;

export interface Refund {
  id: string;
  paymentId: string | null;
  /** Major units, exact decimal text. */
  amount: string;
  currency: string;
  /** Whop's refund status; an unknown word is kept as `pending` (not final, counts nothing). */
  status: (typeof REFUND_STATUSES)[number];
  createdAt: Date | null;
  updatedAt: Date | null;
  shape: PayloadShape;
}

export function toRefund(raw: unknown, ctx: { legacy?: boolean } = {}): Refund {
  if (!isObject(raw)) throw new ShapeError('refund data is not an object');
  const r = raw;
  const id = checkedId(text(r.id), /^[a-z]+_[A-Za-z0-9_]+$/, 'refund id');
  const amount = money(r.amount, 'refund amount');
  if (!amount) throw new ShapeError('refund amount is missing');
  const currency = currencyCode(r.currency) ?? amount.currency;
  if (!currency) throw new ShapeError('refund currency is missing');
  const status = (text(r.status) ?? 'pending').toLowerCase();
  return {
    id,
    paymentId: idOf(r.payment, r.payment_id),
    amount: amount.amount,
    currency,
    status: (REFUND_STATUSES as readonly string[]).includes(status) ? (status as Refund['status']) : 'pending',
    createdAt: instant(r.created_at, 'refund created_at'),
    updatedAt: instant(r.updated_at, 'refund updated_at'),
    shape: ctx.legacy ? 'v5' : typeof r.amount === 'number' || isObject(r.payment) ? 'nested' : 'flat',
  };
}
