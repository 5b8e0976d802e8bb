/**
 * The event types Chronos handles, with the older names that mean the same: Whop's legacy v5
 * actions and the seed's membership names.
 */
export type HandledKind = 'membership' | 'membership_deleted' | 'payment';

const ALIASES: Record<string, string> = {
  'membership.went_valid': 'membership.activated',
  'membership.went_invalid': 'membership.deactivated',
  'membership.created': 'membership.activated',
  'membership.deleted': 'membership.deactivated',
  'payment.pending_payment': 'payment.pending',
};

const MEMBERSHIP_TYPES = new Set(['membership.activated', 'membership.deactivated', 'membership.cancel_at_period_end_changed']);
const PAYMENT_TYPES = new Set(['payment.succeeded', 'payment.failed', 'payment.created', 'payment.pending']);

export function canonicalType(type: string): string {
  return ALIASES[type] ?? type;
}

/** How an event is handled; undefined for types Chronos ignores. */
export function kindOf(type: string): HandledKind | undefined {
  if (type === 'membership.deleted') return 'membership_deleted';
  const canonical = canonicalType(type);
  if (MEMBERSHIP_TYPES.has(canonical)) return 'membership';
  if (PAYMENT_TYPES.has(canonical)) return 'payment';
  return undefined;
}
