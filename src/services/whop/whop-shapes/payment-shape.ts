/**
 * A Whop payment in any shape, as Chronos's own Payment.
 *
 * - nested (SDK `Payment`; unpinned v1): amounts as numbers in major units (`total`, `subtotal`,
 *   `refunded_amount`), `currency`, `company{id}`, `product{id,title}`, `plan{id}`,
 *   `membership{id}`, `user{id,email}|null`, ISO times;
 * - flat (native, pinned; docs `payment.succeeded` at 2026-11-17): money objects
 *   `{amount:"50.00", currency, decimals}` (`total`, `amount_charged`, `subtotal`,
 *   `refunded_amount`), `account_id`, `product_id`/`line_items[].product_id`, `plan_id`,
 *   `membership_id`, `user_id`, `member_id`, `customer_email`, `substatus`;
 * - v5 (`@whop/api` `PaymentWebhookData`): `final_amount`/`subtotal` numbers, `company_id`,
 *   `membership_id`, `user_id`, Unix seconds.
 * The amount is kept exactly, as decimal text in major units, in any currency Whop sends.
 */
import { currencyDecimals, exactMinorUnits } from '../../../domain/currency-precision.ts';
import {
  checkedId,
  currencyCode,
  idOf,
  instant,
  isObject,
  money,
  ShapeError,
  text,
  type Money,
  type PayloadShape,
  type RawObject,
} from './shape-primitives.ts';

export interface Payment {
  id: string;
  /** Whop's own status words (`status`, `substatus`), for the record; the event type decides Chronos's status. */
  whopStatus: string | null;
  currency: string;
  /** Major units, exact decimal text. */
  amount: string;
  /** Places the amount carries (the money object's `decimals`, or the currency's). */
  decimals: number;
  /** Minor units at `decimals` when exact and a safe integer; else null. */
  amountMinor: number | null;
  /** What Whop says is refunded so far (exact text), when the object says. */
  refundedAmount: string | null;
  failureMessage: string | null;
  paidAt: Date | null;
  updatedAt: Date | null;
  createdAt: Date | null;
  companyId: string | null;
  productId: string | null;
  productTitle: string | null;
  planId: string | null;
  membershipId: string | null;
  userId: string | null;
  userEmail: string | null;
  shape: PayloadShape;
}

function firstMoney(p: RawObject, fields: string[]): Money | null {
  for (const field of fields) {
    const value = money(p[field], `payment ${field}`);
    if (value) return value;
  }
  return null;
}

function lineItemProduct(p: RawObject): string | null {
  if (!Array.isArray(p.line_items)) return null;
  for (const item of p.line_items) if (isObject(item)) return idOf(item.product, item.product_id);
  return null;
}

export function toPayment(raw: unknown, ctx: { companyId?: string | null; legacy?: boolean } = {}): Payment {
  if (!isObject(raw)) throw new ShapeError('payment data is not an object');
  const p = raw;
  const id = checkedId(text(p.id), /^pay_[A-Za-z0-9_]+$/, 'payment id');
  const shape: PayloadShape = ctx.legacy
    ? 'v5'
    : isObject(p.company) || isObject(p.product) || 'user' in p || typeof p.total === 'number'
      ? 'nested'
      : 'flat';
  const charged = firstMoney(p, ['total', 'final_amount', 'amount_charged', 'subtotal', 'amount']) ?? {
    amount: '0',
    currency: null,
    decimals: null,
  };
  const currency = currencyCode(p.currency) ?? charged.currency;
  if (!currency) throw new ShapeError('payment currency is missing or not a currency code');
  const decimals = currencyDecimals(currency, charged.decimals);
  const refunded = firstMoney(p, ['refunded_amount']);
  const user = isObject(p.user) ? p.user : null;
  const product = isObject(p.product) ? p.product : null;
  return {
    id,
    whopStatus: text(p.substatus) ?? text(p.status),
    currency,
    amount: charged.amount,
    decimals,
    amountMinor: exactMinorUnits(charged.amount, decimals),
    refundedAmount: refunded?.amount ?? null,
    failureMessage: text(p.failure_message) ?? text(p.decline_code),
    paidAt: instant(p.paid_at, 'payment paid_at'),
    updatedAt: instant(p.updated_at, 'payment updated_at'),
    createdAt: instant(p.created_at, 'payment created_at'),
    companyId: idOf(p.company, p.company_id, p.account_id, p.account, ctx.companyId),
    productId: idOf(product, p.product_id) ?? lineItemProduct(p),
    productTitle: text(product?.title),
    planId: idOf(p.plan, p.plan_id),
    membershipId: idOf(p.membership, p.membership_id),
    userId: idOf(user, p.user_id),
    userEmail: text(user?.email) ?? text(p.customer_email) ?? text(p.email),
    shape,
  };
}
