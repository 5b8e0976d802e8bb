/**
 * What a verified delivery becomes in the inbox. The body must be JSON and an event envelope:
 * v1 `{id?, type, api_version?, api_version_date?, timestamp?, company_id? | account_id?,
 * previous_attributes?, data}` (Standard Webhooks; older pins and unpinned webhooks carry
 * `company_id`, newer pins `account_id`), or, for a legacy v5 delivery, `{action, api_version?,
 * company?, data}`, which is stored in the v1 shape with `api_version: 'v5'` under an id derived
 * from the body (`v5_<sha256 hex, first 32>`), so a repeated delivery of the same body is a
 * duplicate. The event's company is `company_id`, else `account_id`, else the data's
 * (`company_id`, `company.id`, `account_id`, `account.id`). The row's type is the canonical
 * dotted name (`payment_succeeded` → `payment.succeeded`, see event-names.ts); the payload keeps
 * the name as sent. A type Chronos does not know is stored all the same (and ignored by the
 * worker). Only what is not an envelope at all is refused, with `invalid_payload` (400).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookRejectedError, type VerifiedDelivery } from './webhook-verifier.ts';
import { canonicalEventName } from './event-names.ts';

/** Any event name Whop could send: dotted (`membership.activated`) or underscore (`payment_succeeded`). */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;
/** Deeper JSON than any Whop event is refused rather than risking the stack or the database. */
export const MAX_JSON_DEPTH = 64;

const eventType = z.string().regex(EVENT_TYPE_PATTERN);
const jsonObject = z.record(z.string(), z.unknown());

const v1Envelope = z.looseObject({
  id: z.string().nullish(),
  type: eventType,
  api_version: z.string().nullish(),
  api_version_date: z.string().nullish(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
  company_id: z.string().nullish(),
  account_id: z.string().nullish(),
  previous_attributes: jsonObject.nullish(),
  data: jsonObject,
});

const v5Envelope = z.looseObject({
  action: eventType,
  api_version: z.string().nullish(),
  company: z.string().nullish(),
  data: jsonObject,
});

export interface WebhookEnvelope {
  id?: string | null | undefined;
  type: string;
  api_version?: string | null | undefined;
  api_version_date?: string | null | undefined;
  timestamp?: string | number | null | undefined;
  company_id: string | null;
  account_id?: string | null | undefined;
  previous_attributes?: Record<string, unknown> | null | undefined;
  data: Record<string, unknown>;
  [field: string]: unknown;
}

/** One row of the inbox: `id` is the `webhook-id` (or the legacy body hash); `type` the canonical name. */
export interface InboxEvent {
  id: string;
  type: string;
  companyId: string | null;
  payload: WebhookEnvelope;
}

export function legacyInboxId(body: Buffer): string {
  return `v5_${createHash('sha256').update(body).digest('hex').slice(0, 32)}`;
}

export function toInboxEvent(delivery: VerifiedDelivery, body: Buffer): InboxEvent {
  const json = parseStorableJson(body);
  if (delivery.scheme === 'standard') {
    const envelope = parseWith(v1Envelope, json);
    const companyId = envelope.company_id ?? envelope.account_id ?? companyOf(envelope.data);
    return {
      id: delivery.webhookId,
      type: canonicalEventName(envelope.type),
      companyId,
      payload: { ...envelope, company_id: companyId },
    };
  }
  const legacy = parseWith(v5Envelope, json);
  const id = legacyInboxId(body);
  const companyId = legacy.company ?? companyOf(legacy.data);
  const timestamp = new Date(delivery.timestamp * 1000).toISOString();
  return {
    id,
    type: canonicalEventName(legacy.action),
    companyId,
    payload: { id, type: legacy.action, api_version: 'v5', timestamp, company_id: companyId, data: legacy.data },
  };
}

function companyOf(data: Record<string, unknown>): string | null {
  for (const key of ['company_id', 'account_id']) if (typeof data[key] === 'string') return data[key];
  for (const key of ['company', 'account']) {
    const ref = data[key];
    if (ref && typeof ref === 'object' && typeof (ref as { id?: unknown }).id === 'string')
      return (ref as { id: string }).id;
  }
  return null;
}

function parseWith<T extends z.ZodType>(schema: T, json: unknown): z.infer<T> {
  const result = schema.safeParse(json);
  if (!result.success) throw new WebhookRejectedError('invalid_payload');
  return result.data;
}

/** Lone UTF-16 surrogates: JSON allows them as escapes, PostgreSQL's jsonb does not. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function storableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/**
 * The body as JSON, refused when it is not JSON or could not be stored as jsonb (a `\u0000` or
 * lone surrogate, absurd nesting): retrying such a delivery would never succeed, so it is a 400.
 */
function parseStorableJson(body: Buffer): unknown {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookRejectedError('invalid_payload');
  }
  const pending: { value: unknown; depth: number }[] = [{ value: json, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, depth } = item;
    if (typeof value === 'string' && !storableText(value)) throw new WebhookRejectedError('invalid_payload');
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw new WebhookRejectedError('invalid_payload');
    for (const [key, child] of Object.entries(value)) {
      if (!storableText(key)) throw new WebhookRejectedError('invalid_payload');
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return json;
}
