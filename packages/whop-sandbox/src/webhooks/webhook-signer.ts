/**
 * Standard Webhooks signing as Whop does it: HMAC-SHA256 over `id.timestamp.body`,
 * keyed with the UTF-8 bytes of the `ws_…` secret, sent as `v1,<base64>`.
 * Pure: used by the delivery service and by the CLI's offline `sign` command.
 */
import { createHmac } from 'node:crypto';

export interface WebhookSignatureInput {
  /** The `webhook-id` (`msg_…`). */
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact request body. */
  body: string;
  /** The `ws_…` secret (its UTF-8 bytes are the key). A `whsec_…` secret is base64-decoded after the prefix. */
  secret: string;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function webhookKeyBytes(secret: string): Buffer {
  if (secret.startsWith('whsec_')) return Buffer.from(secret.slice('whsec_'.length), 'base64');
  return Buffer.from(secret, 'utf8');
}

export function signWebhook(input: WebhookSignatureInput): WebhookHeaders {
  const timestamp = String(Math.floor(input.timestamp));
  const signature = createHmac('sha256', webhookKeyBytes(input.secret))
    .update(`${input.id}.${timestamp}.${input.body}`, 'utf8')
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
