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

/** Statuses that grant access (v1 has no `valid` flag). */
export const VALID_MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ['active', 'trialing', 'canceling'];

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

export type PaymentStatus = 'pending' | 'paid' | 'open';
export type PaymentSubstatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentRecord {
  id: string; // pay_…
  user_id: string;
  membership_id: string | null;
  product_id: string;
  plan_id: string;
  company_id: string;
  status: PaymentStatus;
  substatus: PaymentSubstatus;
  /** Minor units (cents); serialised as a decimal `total` as Whop does. */
  amount_cents: number;
  currency: string;
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
}
