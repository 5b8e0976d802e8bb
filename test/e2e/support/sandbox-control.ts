/**
 * What a developer does to the sandbox from outside the browser: reset it to its seed, read the
 * registered app (as Whop's dashboard shows it), and deliver a webhook signed with its secret.
 */
import { createHmac, randomUUID } from 'node:crypto';

export async function resetSandbox(sandboxUrl: string): Promise<void> {
  const response = await fetch(`${sandboxUrl}/sandbox/api/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) throw new Error(`sandbox reset answered ${response.status}: ${await response.text()}`);
}

/** The registered app's `ws_…` webhook secret (`GET /sandbox/api/app`). */
export async function sandboxWebhookSecret(sandboxUrl: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/sandbox/api/app`);
  const app = (await response.json()) as { webhook_secret?: string; webhookSecret?: string };
  const secret = app.webhook_secret ?? app.webhookSecret;
  if (!secret) throw new Error(`GET /sandbox/api/app has no webhook secret: ${JSON.stringify(Object.keys(app))}`);
  return secret;
}

/**
 * Standard Webhooks signature, written out here rather than borrowed from the sandbox: base64
 * HMAC-SHA256 of `id.timestamp.body`, keyed with the UTF-8 bytes of Whop's `ws_…` secret.
 */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** POSTs a signed v1 envelope to the app's webhook URL; returns the webhook id and the answer's status. */
export async function deliverSignedWebhook(appUrl: string, secret: string, envelope: { type: string; company_id: string; data: Record<string, unknown> }): Promise<{ id: string; status: number }> {
  const id = `msg_e2e_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ id: `evt_e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`, api_version: 'v1', timestamp: new Date().toISOString(), ...envelope });
  const headers = { 'content-type': 'application/json', ...signStandardWebhook(secret, id, Math.floor(Date.now() / 1000), body) };
  const response = await fetch(`${appUrl}/api/whop/webhook`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return { id, status: response.status };
}
