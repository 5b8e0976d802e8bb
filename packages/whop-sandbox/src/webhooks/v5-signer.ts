/**
 * The legacy v5 signature (`@whop/api` 0.0.51 `makeWebhookValidator`): header
 * `X-Whop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "t.body">`, keyed with the
 * UTF-8 bytes of the secret as given.
 */
import { createHmac } from 'node:crypto';

export function signV5Webhook(input: { timestamp: number; body: string; secret: string }): {
  'x-whop-signature': string;
} {
  const t = String(Math.floor(input.timestamp));
  const hex = createHmac('sha256', Buffer.from(input.secret, 'utf8'))
    .update(`${t}.${input.body}`, 'utf8')
    .digest('hex');
  return { 'x-whop-signature': `t=${t},v1=${hex}` };
}
