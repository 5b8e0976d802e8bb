/** The delivery log: every event the sandbox sent (or recorded) and every attempt, newest first. */

export interface DeliveryAttempt {
  attempt: number;
  at: string; // ISO-8601
  url: string;
  statusCode: number | null;
  responseTimeMs: number;
  error: string | null;
  responseBodySnippet: string | null;
}

/**
 * `not_sent`: recorded only, because deliveries are turned off. `skipped`: no webhook takes
 * the event (the app is not installed on its company, or the webhook's version has no name
 * for it); `skipReason` says which.
 */
export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'not_sent' | 'skipped';

export interface WebhookDelivery {
  /** The `webhook-id` header (`msg_…`); the same on every attempt and resend, so receivers can dedupe. */
  id: string;
  eventId: string;
  /** The name the receiver sees (the v1 `type`, an underscore name, or the v5 `action`). */
  type: string;
  /** The v1 dotted name of the event. */
  eventType: string;
  companyId: string | null;
  /** The registered webhook (`hook_…`); null when skipped for want of one. */
  webhookId: string | null;
  /** `standard`: Standard Webhooks headers; `v5`: `X-Whop-Signature`. */
  scheme: 'standard' | 'v5';
  /** The webhook's pinned `api_version_date` when it was sent (null: unpinned). */
  apiVersionDate: string | null;
  skipReason: string | null;
  url: string;
  /** The exact JSON body that is signed and sent. */
  body: string;
  status: DeliveryStatus;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
  attempts: DeliveryAttempt[];
}

export class WebhookDeliveryLog {
  private readonly deliveries = new Map<string, WebhookDelivery>();

  constructor(private readonly maxEntries = 500) {}

  add(delivery: WebhookDelivery): void {
    this.deliveries.set(delivery.id, delivery);
    while (this.deliveries.size > this.maxEntries) {
      const oldest = this.deliveries.keys().next().value;
      if (oldest === undefined) break;
      this.deliveries.delete(oldest);
    }
  }

  get(id: string): WebhookDelivery | undefined {
    return this.deliveries.get(id);
  }

  list(): WebhookDelivery[] {
    return [...this.deliveries.values()].reverse();
  }

  clear(): void {
    this.deliveries.clear();
  }
}
