/**
 * A Whop membership in any shape, as Chronos's own Membership.
 *
 * - nested (SDK `Membership`; unpinned v1 webhooks and REST): `company{id,title}`, `product{id}`,
 *   `plan{id}`, `user{id,username,email}|null`, `member{id}|null`, `updated_at`,
 *   `renewal_period_start/end`;
 * - flat (native, pinned `api_version_date`; docs "membership" object, Ruby `Types::Membership`):
 *   `account{id,title}`, `product_id`, `plan_id`, `user_id|null`, `member`, `current_period_end`,
 *   no `updated_at`;
 * - v5 (`@whop/api` `MembershipWebhookData`, v5.yaml `AppMembership`): flat ids, Unix seconds,
 *   `valid`, `renewal_period_end`, `expires_at`, no company (the envelope's, if any).
 *
 * Ordering key (`updatedAt`): the membership's own `updated_at` when the shape has one; else the
 * time the event was sent (the envelope's `timestamp`, or the signed delivery time); else, for a
 * REST read, the time of the read (it shows the state as of then).
 */
import { accessOf, type MembershipAccess } from '../membership-access.ts';
import {
  checkedId,
  idOf,
  instant,
  isObject,
  ShapeError,
  text,
  type PayloadShape,
  type RawObject,
} from './shape-primitives.ts';

export interface Membership {
  id: string;
  status: string;
  /** The status grants access outright (see membership-access.ts). */
  valid: boolean;
  access?: MembershipAccess;
  /** The company (`biz_…`) the membership belongs to, when the object names it. */
  companyId: string;
  companyTitle: string | null;
  /** '' when the shape names no product (an older documented membership); the plan id still identifies it. */
  productId: string;
  planId: string | null;
  /** Null for a deleted account or an unclaimed membership (`user: null`). */
  userId: string | null;
  memberId?: string | null;
  userEmail: string | null;
  username: string | null;
  /** The ordering key (see above). */
  updatedAt: Date;
  createdAt: Date | null;
  renewalPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** Whop's page where the member manages (renews) this membership; null when absent or not an http(s) URL. */
  manageUrl?: string | null;
  shape?: PayloadShape;
}

export interface MembershipContext {
  /** When the event was sent (envelope `timestamp`), for shapes without `updated_at`. */
  eventTime?: Date | null;
  /** The envelope's company (`company_id` / `account_id`), when the object names none. */
  companyId?: string | null;
  /** When the object was read (REST), the last resort for the ordering key. */
  observedAt?: Date;
  /** The delivery came as legacy v5. */
  legacy?: boolean;
}

function shapeOf(m: RawObject, ctx: MembershipContext): PayloadShape {
  if (ctx.legacy) return 'v5';
  if (isObject(m.company) || isObject(m.product) || 'user' in m || 'renewal_period_end' in m) return 'nested';
  return 'flat';
}

/** A link we may put in an href: http(s) only (never `javascript:`), and not absurdly long. */
function linkUrl(value: unknown): string | null {
  const raw = text(value);
  if (!raw || raw.length > 2048) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function statusOf(m: RawObject): string {
  const status = text(m.status);
  if (status) return status.toLowerCase();
  // v5 allows a null status beside its boolean `valid`.
  if (typeof m.valid === 'boolean') return m.valid ? 'active' : 'expired';
  throw new ShapeError('membership status is missing');
}

export function toMembership(raw: unknown, ctx: MembershipContext = {}): Membership {
  if (!isObject(raw)) throw new ShapeError('membership data is not an object');
  const m = raw;
  const shape = shapeOf(m, ctx);
  const id = checkedId(text(m.id), /^mem_[A-Za-z0-9_]+$/, 'membership id');
  const status = statusOf(m);
  const user = isObject(m.user) ? m.user : null;
  const company = isObject(m.company) ? m.company : isObject(m.account) ? m.account : null;
  const companyId = idOf(company, m.company_id, m.account_id, ctx.companyId) ?? '';
  const productId = idOf(m.product, m.product_id) ?? '';
  const planId = idOf(m.plan, m.plan_id);
  if (!productId && !planId) throw new ShapeError('membership names neither a product nor a plan');
  const dataUpdatedAt = instant(m.updated_at, 'membership updated_at');
  const updatedAt = dataUpdatedAt ?? ctx.eventTime ?? ctx.observedAt;
  if (!updatedAt) throw new ShapeError('membership has no updated_at and the event no timestamp');
  const userId = idOf(user, m.user_id);
  if (userId !== null && !/^user_[A-Za-z0-9_]{1,100}$/.test(userId))
    throw new ShapeError('membership user id is not a user id');
  const access = accessOf(status);
  return {
    id,
    status,
    valid: access === 'grants',
    access,
    companyId,
    companyTitle: text(company?.title),
    productId,
    planId,
    userId,
    memberId: idOf(m.member, m.member_id),
    userEmail: text(user?.email) ?? text(m.email),
    username: text(user?.username) ?? text(m.username),
    updatedAt,
    createdAt: instant(m.created_at, 'membership created_at'),
    renewalPeriodEnd: instant(
      m.renewal_period_end ?? m.current_period_end ?? m.expires_at,
      'membership renewal/current period end',
    ),
    cancelAtPeriodEnd: m.cancel_at_period_end === true,
    manageUrl: linkUrl(m.manage_url),
    shape,
  };
}
