/**
 * Builds Whop v1 webhook events and delivers them to Chronos signed as Whop does, so tests can
 * send exactly the deliveries they need (duplicates, out of order, malformed data).
 */
import { randomBytes } from 'node:crypto';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';

let sequence = 0;
const uid = () => `${Date.now().toString(36)}${(sequence += 1)}${randomBytes(3).toString('hex')}`;

export interface MembershipData {
  id: string;
  status: string;
  company: { id: string; title: string };
  product: { id: string; title: string };
  plan: { id: string };
  user: { id: string; username: string; name: string; email: string };
  created_at: string;
  updated_at: string;
  renewal_period_end: string | null;
  cancel_at_period_end: boolean;
}

export function membershipData(fields: {
  user: string;
  company: string;
  product: string;
  status?: string;
  id?: string;
  updatedAt?: Date;
  email?: string;
}): MembershipData {
  const updated = fields.updatedAt ?? new Date();
  return {
    id: fields.id ?? `mem_${uid()}`,
    status: fields.status ?? 'active',
    company: { id: fields.company, title: fields.company },
    product: { id: fields.product, title: fields.product },
    plan: { id: `plan_${fields.product}` },
    user: {
      id: fields.user,
      username: fields.user.replace(/^user_/, ''),
      name: fields.user,
      email: fields.email ?? `${fields.user}@example.test`,
    },
    created_at: new Date(updated.getTime() - 60_000).toISOString(),
    updated_at: updated.toISOString(),
    renewal_period_end: new Date(updated.getTime() + 30 * 86_400_000).toISOString(),
    cancel_at_period_end: false,
  };
}

export function paymentData(fields: {
  user: string;
  company: string;
  product: string;
  total: string;
  currency?: string;
  id?: string;
  membership?: string;
  failureMessage?: string;
}) {
  const now = new Date().toISOString();
  return {
    id: fields.id ?? `pay_${uid()}`,
    currency: fields.currency ?? 'usd',
    total: fields.total,
    subtotal: fields.total,
    failure_message: fields.failureMessage ?? null,
    paid_at: now,
    created_at: now,
    updated_at: now,
    company: { id: fields.company, title: fields.company },
    product: { id: fields.product, title: `Product ${fields.product}` },
    membership: fields.membership ? { id: fields.membership } : null,
    user: { id: fields.user, username: fields.user, name: fields.user, email: `${fields.user}@example.test` },
  };
}

export function envelope(type: string, companyId: string | null, data: unknown) {
  return {
    id: `evt_${uid()}`,
    type,
    api_version: 'v1',
    timestamp: new Date().toISOString(),
    company_id: companyId,
    data,
  };
}

export interface Delivery {
  webhookId: string;
  body: string;
}

export function delivery(event: unknown, webhookId = `msg_${uid()}`): Delivery {
  return { webhookId, body: JSON.stringify(event) };
}

/** POSTs a delivery to the app, signed with `secret` now (or at `timestamp`). */
export async function deliver(
  appUrl: string,
  secret: string,
  d: Delivery,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<number> {
  const headers = signWebhook({ id: d.webhookId, timestamp, body: d.body, secret });
  const response = await fetch(`${appUrl}/api/whop/webhook`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: d.body,
  });
  await response.arrayBuffer();
  return response.status;
}
