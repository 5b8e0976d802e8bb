/** Signed, unique Whop `membership.activated` deliveries for autocannon's `setupRequest` (made in the load generator's process, for every side of the webhook-ingest bench). */
import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';

/** How many creators the events spread over (`biz_bench0` …). */
export const CREATORS = 20;

export function signedWebhookRequest(
  secret: string,
  counter: { n: number },
): (request: autocannon.Request) => autocannon.Request {
  return (request) => {
    counter.n += 1;
    const company = `biz_bench${counter.n % CREATORS}`;
    const id = `msg_${randomBytes(9).toString('hex')}`;
    const now = new Date().toISOString();
    const body = JSON.stringify({
      id: `evt_${id}`,
      type: 'membership.activated',
      api_version: 'v1',
      timestamp: now,
      company_id: company,
      data: {
        id: `mem_${id}`,
        status: 'active',
        company: { id: company, title: company },
        product: { id: 'prod_bench', title: 'Bench' },
        plan: { id: 'plan_bench' },
        user: { id: `user_${id}`, username: `u${counter.n}`, name: null, email: null },
        created_at: now,
        updated_at: now,
        renewal_period_end: null,
        cancel_at_period_end: false,
      },
    });
    const headers = signWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body, secret });
    return {
      ...request,
      method: 'POST',
      body,
      headers: { ...request.headers, ...headers, 'content-type': 'application/json' },
    };
  };
}
