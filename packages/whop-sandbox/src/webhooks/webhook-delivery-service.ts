/**
 * Delivers events to the registered webhooks: a `company` webhook takes its own company's
 * events, an `app` webhook the events of every company that installed the app. Each
 * delivery is rendered in its webhook's version, signed (Standard Webhooks, or the legacy v5
 * `X-Whop-Signature`), sent off the request path, retried on non-2xx or timeout after each
 * of `retryDelaysMs`, every attempt written to the delivery log. An event no webhook takes
 * is logged as `skipped`. `close()` cancels pending retries and aborts requests in flight.
 */
import type { Logger } from 'pino';
import { newId } from '../state/id-generator.ts';
import type { WebhookRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';
import type { WebhookDelivery } from './webhook-delivery-log.ts';
import { WebhookDeliveryLog } from './webhook-delivery-log.ts';
import type { EventPublisher, EventSubject, SandboxEvent } from './webhook-event.ts';
import type { RenderResult } from './webhook-renderer.ts';
import { signV5Webhook } from './v5-signer.ts';
import { signWebhook } from './webhook-signer.ts';

const SNIPPET_CHARS = 500;

export interface WebhookDeliveryOptions {
  /** The registered app's webhook URL (webhooks with no URL of their own POST here). */
  url: string;
  secret: string;
  state: SandboxState;
  render(webhook: WebhookRecord, event: SandboxEvent): RenderResult;
  retryDelaysMs: readonly number[];
  /** false: events are logged as `not_sent` and never POSTed. */
  enabled: boolean;
  logger: Logger;
  timeoutMs?: number;
  /**
   * Runs `fire` after `ms` and returns what cancels it: an attempt's timeout and the wait before a
   * retry. A timer by default; tests fire it themselves instead of letting the time pass.
   */
  schedule?: (fire: () => void, ms: number) => () => void;
}

function scheduleWithTimer(fire: () => void, ms: number): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

export class WebhookDeliveryService implements EventPublisher {
  readonly log = new WebhookDeliveryLog();
  /** What cancels each delivery's scheduled retry. */
  private readonly timers = new Map<string, () => void>();
  private readonly inFlight = new Set<AbortController>();
  /** Bumped per (re)send so a stale retry chain stops when a resend starts a new one. */
  private readonly runs = new Map<string, number>();
  private closed = false;

  private readonly schedule: NonNullable<WebhookDeliveryOptions['schedule']>;

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.schedule = options.schedule ?? scheduleWithTimer;
  }

  publish(type: string, companyId: string | null, subject: EventSubject): WebhookDelivery[] {
    const event: SandboxEvent = { id: newId('evt'), type, companyId, timestamp: new Date().toISOString(), subject };
    const targets = this.targetsOf(companyId);
    if (targets.length === 0) {
      const reason = companyId
        ? `no webhook takes events of ${companyId}: the app is not installed on it`
        : 'no webhook is enabled';
      return [this.skip(event, null, reason)];
    }
    return targets.map((webhook) => {
      const result = this.options.render(webhook, event);
      if ('skipped' in result) return this.skip(event, webhook, result.skipped);
      const now = event.timestamp;
      const delivery: WebhookDelivery = {
        id: newId('msg'),
        eventId: event.id,
        type: result.rendered.type,
        eventType: type,
        companyId,
        webhookId: webhook.id,
        scheme: result.rendered.scheme,
        apiVersionDate: webhook.api_version === 'v5' ? null : webhook.api_version_date,
        skipReason: null,
        url: webhook.url ?? this.options.url,
        body: result.rendered.body,
        status: this.options.enabled ? 'pending' : 'not_sent',
        createdAt: now,
        updatedAt: now,
        nextAttemptAt: null,
        attempts: [],
      };
      this.log.add(delivery);
      this.start(delivery);
      return delivery;
    });
  }

  /** The enabled webhooks that take an event of this company. */
  private targetsOf(companyId: string | null): WebhookRecord[] {
    const state = this.options.state;
    return state
      .listWebhooks()
      .filter(
        (w) =>
          w.enabled &&
          (w.kind === 'company' ? w.resource_id === companyId : companyId === null || state.isInstalled(companyId)),
      );
  }

  private skip(event: SandboxEvent, webhook: WebhookRecord | null, reason: string): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: newId('msg'),
      eventId: event.id,
      type: event.type,
      eventType: event.type,
      companyId: event.companyId,
      webhookId: webhook?.id ?? null,
      scheme: webhook?.api_version === 'v5' ? 'v5' : 'standard',
      apiVersionDate: webhook?.api_version_date ?? null,
      skipReason: reason,
      url: webhook ? (webhook.url ?? this.options.url) : '',
      body: '',
      status: 'skipped',
      createdAt: event.timestamp,
      updatedAt: event.timestamp,
      nextAttemptAt: null,
      attempts: [],
    };
    this.log.add(delivery);
    return delivery;
  }

  /** Sends a logged delivery again (same `webhook-id` and body, fresh timestamp and signature). */
  resend(id: string): WebhookDelivery | undefined {
    const delivery = this.log.get(id);
    if (!delivery) return undefined;
    if (delivery.status === 'skipped') return delivery;
    this.start(delivery);
    return delivery;
  }

  /** Forgets every delivery and cancels pending retries (sandbox reset). */
  clear(): void {
    this.cancelTimers();
    this.runs.clear();
    this.log.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimers();
    for (const controller of this.inFlight) controller.abort(new Error('sandbox closing'));
    this.inFlight.clear();
  }

  private start(delivery: WebhookDelivery): void {
    if (!this.options.enabled || this.closed) {
      delivery.status = 'not_sent';
      return;
    }
    const run = (this.runs.get(delivery.id) ?? 0) + 1;
    this.runs.set(delivery.id, run);
    this.clearTimer(delivery.id);
    delivery.status = 'pending';
    delivery.nextAttemptAt = new Date().toISOString();
    // Never on the caller's request path.
    setImmediate(() => void this.attempt(delivery, run, 0));
  }

  private async attempt(delivery: WebhookDelivery, run: number, retryIndex: number): Promise<void> {
    if (this.closed || this.runs.get(delivery.id) !== run) return;
    const started = performance.now();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers =
      delivery.scheme === 'v5'
        ? signV5Webhook({ timestamp, body: delivery.body, secret: this.options.secret })
        : signWebhook({ id: delivery.id, timestamp, body: delivery.body, secret: this.options.secret });
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const cancelTimeout = this.schedule(
      () => controller.abort(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    let statusCode: number | null = null;
    let snippet: string | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Whop-Sandbox-Webhooks/1.0' },
        body: delivery.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      statusCode = response.status;
      snippet = (await response.text()).slice(0, SNIPPET_CHARS);
    } catch (caught) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : caught;
      error = reason instanceof Error ? describeError(reason) : String(reason);
    } finally {
      cancelTimeout();
      this.inFlight.delete(controller);
    }
    if (this.log.get(delivery.id) !== delivery) return; // forgotten by a reset

    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    delivery.attempts.push({
      attempt: delivery.attempts.length + 1,
      at: new Date().toISOString(),
      url: delivery.url,
      statusCode,
      responseTimeMs: Math.round(performance.now() - started),
      error: ok || error ? error : `HTTP ${statusCode}`,
      responseBodySnippet: snippet,
    });
    delivery.updatedAt = new Date().toISOString();
    this.options.logger.info(
      {
        webhookId: delivery.id,
        eventId: delivery.eventId,
        type: delivery.type,
        attempt: delivery.attempts.length,
        statusCode,
        error,
      },
      ok ? 'sandbox: webhook delivered' : 'sandbox: webhook attempt failed',
    );

    if (this.runs.get(delivery.id) !== run) return; // a resend took over
    const delay = this.options.retryDelaysMs[retryIndex];
    if (ok) {
      delivery.status = 'delivered';
      delivery.nextAttemptAt = null;
    } else if (delay === undefined || this.closed) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
    } else {
      delivery.status = 'retrying';
      delivery.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      const cancel = this.schedule(() => {
        this.timers.delete(delivery.id);
        void this.attempt(delivery, run, retryIndex + 1);
      }, delay);
      this.timers.set(delivery.id, cancel);
    }
  }

  private clearTimer(id: string): void {
    this.timers.get(id)?.();
    this.timers.delete(id);
  }

  private cancelTimers(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }
}

function describeError(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
  return error.message;
}
