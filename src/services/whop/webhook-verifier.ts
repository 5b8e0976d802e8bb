/**
 * Verifies that a webhook delivery comes from Whop, before anything of it is believed.
 *
 * Standard Webhooks (what Whop sends): headers `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (space-separated `v1,<base64>` entries, any may match), HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the raw body bytes. Legacy v5 (only when enabled):
 * `x-whop-signature: t=<unix>,v1=<hex>` over `${t}.${body}`. Every configured secret may
 * verify (rotation); comparisons are constant-time; timestamps more than five minutes off,
 * either way, are refused. Pure: no I/O, no logging; a refusal is a `WebhookRejectedError`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../domain/app-errors.ts';

export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** Why a delivery was refused; the first three answer 400, the last two 401. */
export type WebhookRejection =
  'missing_headers' | 'malformed_headers' | 'invalid_payload' | 'stale_timestamp' | 'signature_mismatch';

const UNAUTHORIZED: readonly WebhookRejection[] = ['stale_timestamp', 'signature_mismatch'];

export class WebhookRejectedError extends AppError {
  constructor(readonly reason: WebhookRejection) {
    super(`Webhook refused: ${reason.replaceAll('_', ' ')}.`, UNAUTHORIZED.includes(reason) ? 401 : 400, reason);
  }
}

/** A delivery whose signature and timestamp checked out. */
export type VerifiedDelivery =
  { scheme: 'standard'; webhookId: string; timestamp: number } | { scheme: 'legacy'; timestamp: number };

export interface WebhookVerifier {
  /** The verified delivery, or throws `WebhookRejectedError`. `body` is the raw request body. */
  verify(headers: IncomingHttpHeaders, body: Buffer): VerifiedDelivery;
}

export interface WebhookVerifierOptions {
  /** Every secret that may sign (the configured list during a rotation). */
  secrets: readonly string[];
  /** Also accept legacy v5 deliveries (`x-whop-signature`). */
  acceptLegacy: boolean;
  toleranceSeconds?: number;
  /** Current time in milliseconds (tests). */
  now?: () => number;
}

/**
 * The HMAC key of a secret: a `whsec_…` secret is base64 after its prefix; anything else,
 * Whop's `ws_…` secrets included, is used as its UTF-8 bytes.
 */
export function webhookKeyBytes(secret: string): Buffer {
  if (secret.startsWith('whsec_')) return Buffer.from(secret.slice('whsec_'.length), 'base64');
  return Buffer.from(secret, 'utf8');
}

const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
const LEGACY_HEADER = 'x-whop-signature';
/** Visible ASCII, at most the length the inbox's primary key accepts. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,255}$/;
const UNIX_SECONDS = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const keys = options.secrets.map(webhookKeyBytes).filter((key) => key.length > 0);
  if (keys.length === 0) throw new Error('webhook verifier: no usable webhook secret configured');
  const tolerance = options.toleranceSeconds ?? TIMESTAMP_TOLERANCE_SECONDS;
  const now = options.now ?? Date.now;

  function checkFreshness(timestamp: number): void {
    if (Math.abs(Math.floor(now() / 1000) - timestamp) > tolerance) throw new WebhookRejectedError('stale_timestamp');
  }

  /** Whether any candidate equals the HMAC of `signed` under any key, in constant time per pair. */
  function anyMatches(candidates: readonly Buffer[], signed: Buffer[], encode: (mac: Buffer) => Buffer): boolean {
    for (const key of keys) {
      const hmac = createHmac('sha256', key);
      for (const part of signed) hmac.update(part);
      const expected = encode(hmac.digest());
      for (const candidate of candidates) {
        if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return true;
      }
    }
    return false;
  }

  function verifyStandard(headers: IncomingHttpHeaders, body: Buffer): VerifiedDelivery {
    const [id, timestampText, signatures] = STANDARD_HEADERS.map((name) => header(headers, name));
    if (!id || !timestampText || !signatures) throw new WebhookRejectedError('missing_headers');
    if (!WEBHOOK_ID.test(id) || !UNIX_SECONDS.test(timestampText)) throw new WebhookRejectedError('malformed_headers');
    const timestamp = Number(timestampText);
    checkFreshness(timestamp);
    const candidates = signatures
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => Buffer.from(entry.slice('v1,'.length), 'utf8'));
    const signed = [Buffer.from(`${id}.${timestampText}.`, 'utf8'), body];
    if (!anyMatches(candidates, signed, (mac) => Buffer.from(mac.toString('base64'), 'utf8')))
      throw new WebhookRejectedError('signature_mismatch');
    return { scheme: 'standard', webhookId: id, timestamp };
  }

  function verifyLegacy(value: string, body: Buffer): VerifiedDelivery {
    const fields = value.split(',').map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? ['', ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
    const timestampText = fields.find(([name]) => name === 't')?.[1];
    const hexes = fields
      .filter(([name, v]) => name === 'v1' && HEX_SHA256.test(v ?? ''))
      .map(([, v]) => Buffer.from(v ?? '', 'hex'));
    if (!timestampText || !UNIX_SECONDS.test(timestampText) || hexes.length === 0)
      throw new WebhookRejectedError('malformed_headers');
    const timestamp = Number(timestampText);
    checkFreshness(timestamp);
    if (!anyMatches(hexes, [Buffer.from(`${timestampText}.`, 'utf8'), body], (mac) => mac))
      throw new WebhookRejectedError('signature_mismatch');
    return { scheme: 'legacy', timestamp };
  }

  return {
    verify(headers, body) {
      const legacy = header(headers, LEGACY_HEADER);
      const anyStandard = STANDARD_HEADERS.some((name) => header(headers, name) !== undefined);
      if (options.acceptLegacy && legacy && !anyStandard) return verifyLegacy(legacy, body);
      return verifyStandard(headers, body);
    },
  };
}
