/**
 * Whop's event names, old and new, as the dotted v1 names Chronos handles: one table.
 *
 * - v1 dotted names (SDK `WebhookEvent`, docs) map to themselves;
 * - v2 underscore names (`payment_succeeded`, `membership_went_valid`; Ruby SDK
 *   `create_webhooks_request_events_item.rb`, dev.whop.com v2 create-a-webhook) and v5
 *   dotted-legacy actions (`membership.went_valid`; `@whop/api` `WhopWebhookRequestBody`)
 *   map by name and meaning. Whop publishes no mapping table: UNCONFIRMED except where the name
 *   is the same; `membership_metadata_updated` → `membership.updated` is the closest match.
 * - `membership.created` / `membership.deleted` are not in Whop's lists; they are kept for
 *   senders that use them (the deletion obeys the same rules as a deactivation).
 * `app_membership_*` / `app_payment_*` (an app's own sales) have no v1 equivalent found and are
 * left as they are (stored, ignored).
 */
const RENAMES: Readonly<Record<string, string>> = Object.freeze({
  'membership.went_valid': 'membership.activated',
  'membership.went_invalid': 'membership.deactivated',
  'membership.metadata_updated': 'membership.updated',
  'membership.created': 'membership.activated',
  'payment.pending_payment': 'payment.pending',
  'resolution.created': 'resolution_center_case.created',
  'resolution.updated': 'resolution_center_case.updated',
  'resolution.decided': 'resolution_center_case.decided',
});

/** Underscore names: the object is the longest known prefix, the rest the action. */
const OBJECTS = [
  'dispute_alert',
  'resolution_center_case',
  'membership',
  'payment',
  'refund',
  'dispute',
  'invoice',
  'resolution',
];

function dotted(name: string): string {
  if (name.includes('.')) return name;
  for (const object of OBJECTS) {
    if (name.startsWith(`${object}_`) && name.length > object.length + 1)
      return `${object}.${name.slice(object.length + 1)}`;
  }
  return name;
}

/** The dotted v1 name of any Whop event name; an unknown name comes back as it is (lower-cased). */
export function canonicalEventName(name: string): string {
  const lower = name.trim().toLowerCase();
  const asDotted = dotted(lower);
  return Object.hasOwn(RENAMES, asDotted) ? RENAMES[asDotted]! : asDotted;
}
