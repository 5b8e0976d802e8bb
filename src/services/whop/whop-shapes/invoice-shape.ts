/**
 * A Whop invoice (`invoice.*` data) in any shape, as Chronos's own Invoice.
 * nested (SDK `Invoice`): `id`, `status` (`draft|open|paid|past_due|uncollectible|void`),
 * `current_plan{id,…}`, `user{id,…}|null`, `email_address`, `due_date`, `created_at`;
 * flat/native (UNCONFIRMED: not seen in Whop's docs): `plan_id`, `user_id`, `membership_id`.
 */
import { checkedId, idOf, instant, isObject, ShapeError, text, type PayloadShape } from './shape-primitives.ts';

export interface Invoice {
  id: string;
  status: string | null;
  planId: string | null;
  membershipId: string | null;
  userId: string | null;
  email: string | null;
  dueDate: Date | null;
  createdAt: Date | null;
  shape: PayloadShape;
}

export function toInvoice(raw: unknown): Invoice {
  if (!isObject(raw)) throw new ShapeError('invoice data is not an object');
  const i = raw;
  const user = isObject(i.user) ? i.user : null;
  return {
    id: checkedId(text(i.id), /^[a-z]+_[A-Za-z0-9_]+$/, 'invoice id'),
    status: text(i.status)?.toLowerCase() ?? null,
    planId: idOf(i.current_plan, i.plan, i.plan_id),
    membershipId: idOf(i.membership, i.membership_id),
    userId: idOf(user, i.user_id),
    email: text(i.email_address) ?? text(user?.email),
    dueDate: instant(i.due_date, 'invoice due_date'),
    createdAt: instant(i.created_at, 'invoice created_at'),
    shape: isObject(i.current_plan) || 'user' in i ? 'nested' : 'flat',
  };
}
