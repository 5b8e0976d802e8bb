/**
 * The event types Chronos handles, by kind, under their canonical dotted names (older names are
 * mapped by `canonicalEventName`, see services/whop/event-names.ts), and what every handler
 * needs of the envelope: the time the event was sent (the ordering key of shapes without
 * `updated_at`), its company, and whether it came as legacy v5.
 */
import { canonicalEventName } from '../whop/event-names.ts';

export type HandledKind =
  'membership' | 'payment' | 'refund' | 'dispute' | 'dispute_alert' | 'invoice' | 'app_installation';

const KINDS: Readonly<Record<string, HandledKind>> = Object.freeze({
  'membership.activated': 'membership',
  'membership.deactivated': 'membership',
  'membership.updated': 'membership',
  'membership.cancel_at_period_end_changed': 'membership',
  'membership.trial_ending_soon': 'membership',
  'membership.deleted': 'membership',
  'payment.created': 'payment',
  'payment.pending': 'payment',
  'payment.authorized': 'payment',
  'payment.succeeded': 'payment',
  'payment.failed': 'payment',
  'payment.canceled': 'payment',
  'refund.created': 'refund',
  'refund.updated': 'refund',
  'dispute.created': 'dispute',
  'dispute.updated': 'dispute',
  'dispute_alert.created': 'dispute_alert',
  'invoice.past_due': 'invoice',
  'invoice.paid': 'invoice',
  'app_installation.created': 'app_installation',
});

export function canonicalType(type: string): string {
  return canonicalEventName(type);
}

/** How an event is handled; undefined for types Chronos ignores. */
export function kindOf(type: string): HandledKind | undefined {
  const canonical = canonicalType(type);
  return Object.hasOwn(KINDS, canonical) ? KINDS[canonical] : undefined;
}

export interface HandledEnvelope {
  type: string;
  company_id?: string | null;
  account_id?: string | null;
  api_version?: string | null;
  timestamp?: string | number | null;
  data: unknown;
}

/** When the event was sent: the envelope's `timestamp` (ISO 8601 or Unix seconds), if it reads as a time. */
export function eventTime(envelope: HandledEnvelope): Date | null {
  const value = envelope.timestamp;
  if (value === null || value === undefined) return null;
  const date =
    typeof value === 'number' || /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function envelopeCompany(envelope: HandledEnvelope): string | null {
  return envelope.company_id || envelope.account_id || null;
}

export function isLegacy(envelope: HandledEnvelope): boolean {
  return envelope.api_version === 'v5';
}
