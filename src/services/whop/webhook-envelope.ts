/**
 * What a verified delivery becomes in the inbox. The body must be JSON and an event envelope:
 * v1 `{id?, type, api_version?, timestamp?, company_id?, data}` (Standard Webhooks), or, for a
 * legacy v5 delivery, `{action, data}`, which is stored in the v1 shape with `api_version: 'v5'`
 * under an id derived from the body (`v5_<sha256 hex, first 32>`), so a repeated delivery of the
 * same body is a duplicate. A missing `company_id` is taken from `data.company_id` or
 * `data.company.id`. Anything else is refused with `invalid_payload` (400).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookRejectedError, type VerifiedDelivery } from './webhook-verifier.ts';

/** A dotted lower-case event name: `membership.activated`, `payment.succeeded`, … */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
/** Deeper JSON than any Whop event is refused rather than risking the stack or the database. */
export const MAX_JSON_DEPTH = 64;

const eventType = z.string().max(100).regex(EVENT_TYPE_PATTERN);
const jsonObject = z.record(z.string(), z.unknown());

const v1Envelope = z.looseObject({
  id: z.string().nullish(),
  type: eventType,
  api_version: z.string().nullish(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
  company_id: z.string().nullish(),
  data: jsonObject,
});

const v5Envelope = z.looseObject({ action: eventType, data: jsonObject });

export interface WebhookEnvelope {
  id?: string | null | undefined;
  type: string;
  api_version?: string | null | undefined;
  timestamp?: string | number | null | undefined;
  company_id: string | null;
  data: Record<string, unknown>;
  [field: string]: unknown;
}

/** One row of the inbox: `id` is the `webhook-id` (or the legacy body hash). */
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
    const companyId = envelope.company_id ?? companyOf(envelope.data);
    return { id: delivery.webhookId, type: envelope.type, companyId, payload: { ...envelope, company_id: companyId } };
  }
  const legacy = parseWith(v5Envelope, json);
  const id = legacyInboxId(body);
  const companyId = companyOf(legacy.data);
  const timestamp = new Date(delivery.timestamp * 1000).toISOString();
  return { id, type: legacy.action, companyId, payload: { id, type: legacy.action, api_version: 'v5', timestamp, company_id: companyId, data: legacy.data } };
}

function companyOf(data: Record<string, unknown>): string | null {
  if (typeof data.company_id === 'string') return data.company_id;
  const company = data.company;
  if (company && typeof company === 'object' && typeof (company as { id?: unknown }).id === 'string') return (company as { id: string }).id;
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
