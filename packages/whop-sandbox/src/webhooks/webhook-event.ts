/**
 * What the sandbox's services publish: an event (type, company, the record it is about,
 * the record before the change) independent of any payload version. The delivery service
 * renders it once per registered webhook, in that webhook's version (webhook-renderer.ts).
 */
import type {
  DisputeRecord,
  InvoiceRecord,
  MembershipRecord,
  PaymentRecord,
  RefundRecord,
} from '../state/sandbox-records.ts';
import type { WebhookDelivery } from './webhook-delivery-log.ts';

/** A dispute alert is not kept: it exists only in its event. */
export interface DisputeAlertRecord {
  id: string; // dspa_…
  payment_id: string;
  dispute_id: string | null;
  alert_type: 'dispute' | 'dispute_rdr' | 'fraud';
  amount: string;
  currency: string;
  created_at: string;
}

export type EventSubject =
  | { kind: 'membership'; record: MembershipRecord; before?: MembershipRecord | undefined }
  | { kind: 'payment'; record: PaymentRecord; before?: PaymentRecord | undefined }
  | { kind: 'refund'; record: RefundRecord; before?: RefundRecord | undefined }
  | { kind: 'dispute'; record: DisputeRecord; before?: DisputeRecord | undefined }
  | { kind: 'dispute_alert'; record: DisputeAlertRecord }
  | { kind: 'invoice'; record: InvoiceRecord; before?: InvoiceRecord | undefined }
  /** An install of the app on a company (`AppInstallation`, already in Whop's shape; v1 only). */
  | { kind: 'app_installation'; data: Record<string, unknown> }
  /** An event fired by hand with its own `data`, sent as given in every version. */
  | { kind: 'raw'; data: unknown };

export interface SandboxEvent {
  id: string; // evt_…
  /** The v1 dotted name (`membership.activated`); webhooks may deliver it under another name. */
  type: string;
  companyId: string | null;
  /** ISO-8601; the envelope's `timestamp`. */
  timestamp: string;
  subject: EventSubject;
}

/** The v1 event names the sandbox produces by itself (the UI's "Fire an event" list). */
export const KNOWN_EVENT_TYPES = [
  'membership.activated',
  'membership.deactivated',
  'membership.updated',
  'membership.cancel_at_period_end_changed',
  'membership.trial_ending_soon',
  'payment.created',
  'payment.pending',
  'payment.authorized',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'refund.created',
  'refund.updated',
  'dispute.created',
  'dispute.updated',
  'dispute_alert.created',
  'invoice.past_due',
  'invoice.paid',
] as const;

/** Any dotted lower-case event name is accepted when fired by hand (`membership.went_valid`, …). */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

/** Where services hand events; the webhook module delivers them (one delivery per webhook) and logs them. */
export interface EventPublisher {
  publish(type: string, companyId: string | null, subject: EventSubject): WebhookDelivery[];
}

/** Forwards events and, inside `capture()`, collects the deliveries a (synchronous) operation caused. */
export class CapturingPublisher implements EventPublisher {
  private readonly frames: WebhookDelivery[][] = [];

  constructor(private readonly inner: EventPublisher) {}

  publish(type: string, companyId: string | null, subject: EventSubject): WebhookDelivery[] {
    const deliveries = this.inner.publish(type, companyId, subject);
    for (const frame of this.frames) frame.push(...deliveries);
    return deliveries;
  }

  capture<T>(operation: () => T): { result: T; events: WebhookDelivery[] } {
    const events: WebhookDelivery[] = [];
    this.frames.push(events);
    try {
      return { result: operation(), events };
    } finally {
      this.frames.pop();
    }
  }
}
