/**
 * Webhooks as Whop sends them during an outage: signed payment deliveries with a deadline on
 * each, and a steady stream of them whose every answer is recorded, so a test can check that
 * each 2xx was stored and resend the refused ones as Whop's retries would.
 */
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';
import { delivery, envelope, paymentData, type Delivery } from '../../support/webhook-deliveries.ts';
import { sleep } from '../../support/wait.ts';

/** The answer to one delivery: an HTTP status, or no answer at all. */
export type DeliveryStatus = number | 'timeout' | 'error';

export interface SentDelivery {
  delivery: Delivery;
  paymentId: string;
  status: DeliveryStatus;
  /** The answer's Retry-After header, if any. */
  retryAfter: string | null;
  /** Epoch ms when the request was sent and when its answer (or the deadline) came. */
  sentAt: number;
  answeredAt: number;
}

/** A `payment.succeeded` of a student of `companyId` (each a new payment, so its effects can be counted). */
export function paymentDelivery(companyId: string, user = 'user_student1'): { delivery: Delivery; paymentId: string } {
  const data = paymentData({ user, company: companyId, product: 'prod_course1', total: '19.00' });
  return { delivery: delivery(envelope('payment.succeeded', companyId, data)), paymentId: data.id };
}

/** POSTs a delivery signed now; gives up after `timeoutMs` (Whop's own deadline is short). */
export async function send(appUrl: string, secret: string, d: Delivery, timeoutMs = 15_000): Promise<DeliveryStatus> {
  return (await post(appUrl, secret, d, timeoutMs)).status;
}

async function post(
  appUrl: string,
  secret: string,
  d: Delivery,
  timeoutMs: number,
): Promise<{ status: DeliveryStatus; retryAfter: string | null }> {
  const headers = signWebhook({ id: d.webhookId, timestamp: Math.floor(Date.now() / 1000), body: d.body, secret });
  try {
    const response = await fetch(`${appUrl}/api/whop/webhook`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: d.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    return { status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'error', retryAfter: null };
  }
}

export const isAccepted = (status: DeliveryStatus): boolean =>
  typeof status === 'number' && status >= 200 && status < 300;

export interface WebhookStream {
  /** Every delivery sent so far with its answer. */
  sent(): SentDelivery[];
  /** Stops sending and waits for the answers still outstanding. */
  stop(): Promise<SentDelivery[]>;
}

/**
 * `senders` loops, each sending a new delivery and, once answered, the next after `intervalMs`,
 * until stopped: a steady stream with a few deliveries in flight at any moment.
 */
export function startWebhookStream(
  appUrl: string,
  secret: string,
  companyId: string,
  options: { senders?: number; intervalMs?: number } = {},
): WebhookStream {
  const records: SentDelivery[] = [];
  let stopping = false;
  const sender = async () => {
    while (!stopping) {
      const { delivery: d, paymentId } = paymentDelivery(companyId);
      const sentAt = Date.now();
      const answer = await post(appUrl, secret, d, 15_000);
      records.push({ delivery: d, paymentId, ...answer, sentAt, answeredAt: Date.now() });
      if (!stopping) await sleep(options.intervalMs ?? 50); // a sender's pace, as Whop's stream has one
    }
  };
  const running = Promise.all(Array.from({ length: options.senders ?? 3 }, sender));
  return {
    sent: () => [...records],
    async stop() {
      stopping = true;
      await running;
      return [...records];
    },
  };
}
