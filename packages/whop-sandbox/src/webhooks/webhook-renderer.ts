/**
 * Renders one event for one registered webhook, in that webhook's version:
 * - v1, unpinned or pinned before the switch date: `{id, type, api_version: "v1",
 *   api_version_date, timestamp, company_id, previous_attributes?, data}` with the legacy
 *   nested `data` (what REST returns and `@whop/sdk` types);
 * - v1 pinned from the switch date: the same envelope with `account_id`, and flat `data`;
 * - v1 with `underscore` names: the older name as `type` (events without one are not sent);
 * - v5: `{action, api_version: "v5", data}` (+ `company` on app webhooks), flat v5 `data`.
 * `previous_attributes` (on `*.updated` events) holds the old values of the `data` fields
 * that changed, keyed by field name, in the same shape as `data`.
 */
import {
  serializeDispute,
  serializeDisputeAlert,
  serializeInvoice,
  serializeRefund,
} from '../serializers/billing-serializer.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializeMembership } from '../serializers/membership-serializer.ts';
import { serializeNativeMembership, serializeNativePayment } from '../serializers/native-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import {
  serializeV5Dispute,
  serializeV5Membership,
  serializeV5Payment,
  serializeV5Refund,
} from '../serializers/v5-serializer.ts';
import type { WebhookRecord } from '../state/sandbox-records.ts';
import { UNDERSCORE_NAMES, V5_ACTIONS } from './event-names.ts';
import { payloadShape } from './payload-version.ts';
import type { PayloadShape } from './payload-version.ts';
import type { EventSubject, SandboxEvent } from './webhook-event.ts';

export interface RenderedWebhook {
  scheme: 'standard' | 'v5';
  /** The name the receiver sees (`type`, or the v5 `action`). */
  type: string;
  body: string;
}

/** Why an event is not delivered to a webhook, or undefined when it is. */
export type RenderResult = { rendered: RenderedWebhook } | { skipped: string };

function serializeV1(
  ctx: SerializerContext,
  subject: EventSubject,
  shape: PayloadShape,
  which: 'record' | 'before',
): unknown {
  switch (subject.kind) {
    case 'membership': {
      const record = which === 'record' ? subject.record : subject.before;
      if (!record) return undefined;
      return shape === 'native' ? serializeNativeMembership(ctx, record) : serializeMembership(ctx, record);
    }
    case 'payment': {
      const record = which === 'record' ? subject.record : subject.before;
      if (!record) return undefined;
      return shape === 'native' ? serializeNativePayment(ctx, record) : serializePayment(ctx, record);
    }
    case 'refund': {
      const record = which === 'record' ? subject.record : subject.before;
      return record ? serializeRefund(ctx, record) : undefined;
    }
    case 'dispute': {
      const record = which === 'record' ? subject.record : subject.before;
      return record ? serializeDispute(ctx, record) : undefined;
    }
    case 'invoice': {
      const record = which === 'record' ? subject.record : subject.before;
      return record ? serializeInvoice(ctx, record) : undefined;
    }
    case 'dispute_alert':
      return which === 'record' ? serializeDisputeAlert(ctx, subject.record) : undefined;
    case 'app_installation':
      return which === 'record' ? subject.data : undefined;
    case 'raw':
      return which === 'record' ? subject.data : undefined;
  }
}

function serializeV5(ctx: SerializerContext, subject: EventSubject): unknown {
  switch (subject.kind) {
    case 'membership':
      return serializeV5Membership(ctx, subject.record);
    case 'payment':
      return serializeV5Payment(ctx, subject.record);
    case 'refund':
      return serializeV5Refund(ctx, subject.record);
    case 'dispute':
      return serializeV5Dispute(ctx, subject.record);
    case 'raw':
      return subject.data;
    default:
      return undefined;
  }
}

/** The old values of the top-level fields that differ (deep compare), or undefined when none do. */
export function previousAttributes(before: unknown, after: unknown): Record<string, unknown> | undefined {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return undefined;
  const old = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const changed = Object.keys(now).filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key]));
  return changed.length ? Object.fromEntries(changed.map((key) => [key, old[key] ?? null])) : undefined;
}

export function renderWebhook(ctx: SerializerContext, webhook: WebhookRecord, event: SandboxEvent): RenderResult {
  if (webhook.api_version === 'v5') {
    const action = V5_ACTIONS[event.type] ?? (event.subject.kind === 'raw' ? event.type : undefined);
    if (!action) return { skipped: `${event.type} has no legacy v5 action` };
    const data = serializeV5(ctx, event.subject);
    if (data === undefined) return { skipped: `${event.type} has no legacy v5 payload` };
    const body: Record<string, unknown> = { action, api_version: 'v5', data };
    if (webhook.kind === 'app' && event.companyId) body.company = event.companyId;
    return { rendered: { scheme: 'v5', type: action, body: JSON.stringify(body) } };
  }

  let type = event.type;
  if (webhook.event_names === 'underscore') {
    const older = UNDERSCORE_NAMES[event.type] ?? (event.subject.kind === 'raw' ? event.type : undefined);
    if (!older) return { skipped: `${event.type} has no underscore name` };
    type = older;
  }
  const shape = payloadShape(webhook.api_version_date);
  const data = serializeV1(ctx, event.subject, shape, 'record');
  const envelope: Record<string, unknown> = {
    id: event.id,
    type,
    api_version: 'v1',
    api_version_date: webhook.api_version_date,
    timestamp: event.timestamp,
    [shape === 'native' ? 'account_id' : 'company_id']: event.companyId,
  };
  if (event.type.endsWith('.updated')) {
    const previous = previousAttributes(serializeV1(ctx, event.subject, shape, 'before'), data);
    if (previous) envelope.previous_attributes = previous;
  }
  envelope.data = data;
  return { rendered: { scheme: 'standard', type, body: JSON.stringify(envelope) } };
}
