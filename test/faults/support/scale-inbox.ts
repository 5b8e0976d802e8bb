/**
 * Sending many signed webhook deliveries at once, and reading back what the inbox made of
 * them. `installFinishLog` adds a trigger (to the test's own database) that writes one row
 * each time an attempt at an event commits its end (`processing` → anything else), with the
 * `application_name` of the process that committed it: so a test can count how many times
 * each event was really finished, and by which process. A rolled-back attempt leaves no row.
 */
import pg from 'pg';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';
import { delivery, envelope, paymentData, type Delivery } from '../../support/webhook-deliveries.ts';

export interface DeliveryResult {
  webhookId: string;
  /** The HTTP status, or `undefined` when the request failed (connection refused or reset). */
  status: number | undefined;
  /** The answer's body (`{"received":true}`, `{"received":true,"duplicate":true}`, …). */
  body?: string;
  error?: string;
}

/** POSTs one delivery to `appUrl`'s webhook route, signed now, as Whop does. */
export async function sendDelivery(
  appUrl: string,
  secret: string,
  item: Delivery,
): Promise<{ status: number; body: string }> {
  const headers = signWebhook({
    id: item.webhookId,
    timestamp: Math.floor(Date.now() / 1000),
    body: item.body,
    secret,
  });
  const response = await fetch(`${appUrl}/api/whop/webhook`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: item.body,
  });
  return { status: response.status, body: await response.text() };
}

/** `count` payment.succeeded deliveries of students of `biz_creator1`, each with its own payment and webhook id. */
export function paymentDeliveries(count: number, label: string): Delivery[] {
  return Array.from({ length: count }, (_, i) =>
    delivery(
      envelope(
        'payment.succeeded',
        'biz_creator1',
        paymentData({ user: `user_${label}${i}`, company: 'biz_creator1', product: 'prod_course1', total: '1.00' }),
      ),
    ),
  );
}

/**
 * Delivers every item, `concurrency` requests in flight at any time, each to the app URL
 * `target(index)` picks; never rejects. `onResult` sees each answer as it arrives.
 */
export async function deliverAll(
  items: Delivery[],
  options: {
    secret: string;
    target: (index: number) => string;
    concurrency: number;
    onResult?: (result: DeliveryResult) => void;
  },
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(items.length);
  let next = 0;
  async function sender(): Promise<void> {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index]!;
      let result: DeliveryResult;
      try {
        result = { webhookId: item.webhookId, ...(await sendDelivery(options.target(index), options.secret, item)) };
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        result = {
          webhookId: item.webhookId,
          status: undefined,
          error: cause?.code ?? cause?.message ?? (error as Error).message,
        };
      }
      results[index] = result;
      options.onResult?.(result);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  return results;
}

export async function installFinishLog(db: pg.Pool): Promise<void> {
  await db.query(`
    CREATE TABLE fault_finish_log (
      event_id text NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL,
      finished_by text NOT NULL
    );
    CREATE FUNCTION fault_log_finish() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fault_finish_log (event_id, status, attempts, finished_by) VALUES (NEW.id, NEW.status, NEW.attempts, current_setting('application_name'));
      RETURN NEW;
    END $$;
    CREATE TRIGGER fault_log_finish AFTER UPDATE OF status ON webhook_events FOR EACH ROW
      WHEN (OLD.status = 'processing' AND NEW.status <> 'processing') EXECUTE FUNCTION fault_log_finish();
  `);
}

export interface InboxGroup {
  status: string;
  attempts: number;
  /** How many committed ends of an attempt the finish log holds for each event of the group. */
  finishes: number;
  events: number;
}

/** The inbox rows whose ids are given, grouped by status, attempts and number of committed finishes. */
export async function inboxGroups(db: pg.Pool, ids: string[]): Promise<InboxGroup[]> {
  const { rows } = await db.query<InboxGroup>(
    `SELECT e.status, e.attempts, (SELECT count(*) FROM fault_finish_log l WHERE l.event_id = e.id)::int AS finishes, count(*)::int AS events
       FROM webhook_events e WHERE e.id = ANY($1::text[])
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [ids],
  );
  return rows;
}

/** How many of the given events each process finished (by `application_name`). */
export async function finishesByProcess(db: pg.Pool, ids: string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ finished_by: string; n: number }>(
    'SELECT finished_by, count(*)::int AS n FROM fault_finish_log WHERE event_id = ANY($1::text[]) GROUP BY 1',
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.finished_by, r.n]));
}

const paymentIdOf = (item: Delivery) => (JSON.parse(item.body) as { data: { id: string } }).data.id;

/** How many `payments` rows exist for the payments these deliveries carry. */
export async function paymentRowsOf(db: pg.Pool, items: Delivery[]): Promise<number> {
  return countWhere(db, 'SELECT count(*)::int AS n FROM payments WHERE whop_payment_id = ANY($1::text[])', [
    items.map(paymentIdOf),
  ]);
}

/** How many receipt mails are queued for the payments these deliveries carry. */
export async function receiptsOf(db: pg.Pool, items: Delivery[]): Promise<number> {
  return countWhere(db, 'SELECT count(*)::int AS n FROM email_outbox WHERE dedupe_key = ANY($1::text[])', [
    items.map((item) => `receipt:${paymentIdOf(item)}`),
  ]);
}

export async function countWhere(db: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, values);
  return rows[0]?.n ?? 0;
}

/**
 * Runs `whileHeld` with the inbox table locked against writes, so that every claim waits
 * (rather than finding nothing), then lets them all go at once.
 */
export async function withInboxHeld<T>(databaseUrl: string, whileHeld: () => Promise<T>): Promise<T> {
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE webhook_events IN EXCLUSIVE MODE');
    return await whileHeld();
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
  }
}

/** Processes of the deployment (by `application_name`) whose claim is waiting for the inbox. */
export async function waitingToClaim(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ application_name: string }>(
    "SELECT DISTINCT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE webhook_events SET status = ''processing''%' ORDER BY 1",
  );
  return rows.map((r) => r.application_name);
}
