/**
 * The names an event goes by in older webhooks. Whop publishes no mapping table
 * (UNCONFIRMED); these pair names by meaning, from the names Whop's SDKs list.
 * An event with no older name is not delivered to a webhook that uses older names.
 */

/** v2-era underscore names (`membership_went_valid`, `payment_succeeded`, …) for a v1 webhook set to `underscore`. */
export const UNDERSCORE_NAMES: Readonly<Record<string, string>> = {
  'membership.activated': 'membership_went_valid',
  'membership.deactivated': 'membership_went_invalid',
  'membership.cancel_at_period_end_changed': 'membership_cancel_at_period_end_changed',
  'payment.created': 'payment_created',
  'payment.succeeded': 'payment_succeeded',
  'payment.failed': 'payment_failed',
  'payment.pending': 'payment_pending',
  'refund.created': 'refund_created',
  'refund.updated': 'refund_updated',
  'dispute.created': 'dispute_created',
  'dispute.updated': 'dispute_updated',
  'dispute_alert.created': 'dispute_alert_created',
};

/** Legacy v5 `action` names (`@whop/api` 0.0.51). */
export const V5_ACTIONS: Readonly<Record<string, string>> = {
  'membership.activated': 'membership.went_valid',
  'membership.deactivated': 'membership.went_invalid',
  'membership.cancel_at_period_end_changed': 'membership.cancel_at_period_end_changed',
  'payment.succeeded': 'payment.succeeded',
  'payment.failed': 'payment.failed',
  'payment.pending': 'payment.pending',
  'refund.created': 'refund.created',
  'refund.updated': 'refund.updated',
  'dispute.created': 'dispute.created',
  'dispute.updated': 'dispute.updated',
};
