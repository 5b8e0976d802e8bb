/** The v1 webhook envelope Whop POSTs: `{id, type, api_version, timestamp, company_id, data}`. */
import { newId } from '../state/id-generator.ts';
import type { WebhookDelivery } from './webhook-delivery-log.ts';

export interface WebhookEnvelope {
  id: string; // evt_…
  type: string;
  api_version: 'v1';
  timestamp: string; // ISO-8601
  company_id: string | null;
  data: unknown;
}

export const KNOWN_EVENT_TYPES = [
  'membership.activated',
  'membership.deactivated',
  'membership.cancel_at_period_end_changed',
  'membership.trial_ending_soon',
  'payment.created',
  'payment.pending',
  'payment.succeeded',
  'payment.failed',
] as const;

/** Any dotted lower-case event name is accepted when fired by hand (`refund.created`, …). */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

export function buildEnvelope(type: string, companyId: string | null, data: unknown, now = new Date()): WebhookEnvelope {
  return { id: newId('evt'), type, api_version: 'v1', timestamp: now.toISOString(), company_id: companyId, data };
}

/** Where services hand events; the webhook module delivers them and logs the delivery. */
export interface EventPublisher {
  publish(type: string, companyId: string | null, data: unknown): WebhookDelivery;
}

/** Forwards events and, inside `capture()`, collects the ones a (synchronous) operation fired. */
export class CapturingPublisher implements EventPublisher {
  private readonly frames: WebhookDelivery[][] = [];

  constructor(private readonly inner: EventPublisher) {}

  publish(type: string, companyId: string | null, data: unknown): WebhookDelivery {
    const delivery = this.inner.publish(type, companyId, data);
    for (const frame of this.frames) frame.push(delivery);
    return delivery;
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
