/**
 * The one table that says what a Whop membership status means for access, for students (a
 * creator's products) and for creators' tiers (Chronos's own plans) alike.
 *
 * Whop publishes no such table (its statuses: SDK `MembershipStatus`; v1 has no `valid` flag).
 * This follows Whop's documented behaviour where there is some: a cancel "at period end keeps
 * access until the current renewal date" (`canceling`), a pause keeps access, and
 * `membership.activated`/`deactivated` are the access transitions; `completed` is a one-time
 * purchase that is paid in full and keeps access. `past_due` keeps access for the grace period
 * (GRACE_PERIOD_DAYS) only: for a creator's tier the grace period service holds the tier, for a
 * student the student service keeps them in until the same number of days has passed.
 */
export type MembershipAccess = 'grants' | 'grace' | 'none';

/** Statuses that grant access outright (also what a `statuses[]` filter asks Whop for). */
export const GRANTING_STATUSES = ['active', 'trialing', 'canceling', 'completed'] as const;

export const MEMBERSHIP_ACCESS: Readonly<Record<string, MembershipAccess>> = Object.freeze({
  ...Object.fromEntries(GRANTING_STATUSES.map((status) => [status, 'grants' as const])),
  past_due: 'grace',
  canceled: 'none',
  expired: 'none',
  unresolved: 'none',
  drafted: 'none',
});

/** What a status means; a status Whop adds later grants nothing until this table names it. */
export function accessOf(status: string): MembershipAccess {
  return Object.hasOwn(MEMBERSHIP_ACCESS, status) ? MEMBERSHIP_ACCESS[status]! : 'none';
}

export function grantsAccess(status: string): boolean {
  return accessOf(status) === 'grants';
}
