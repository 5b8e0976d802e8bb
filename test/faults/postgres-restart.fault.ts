/**
 * PostgreSQL restarts under a real web process (worker in the process) while Whop keeps
 * delivering: a clean `fast` shutdown, and an `immediate` one (a crash: no checkpoint, the
 * server's memory lost). Chronos must refuse what it cannot store (503, so Whop retries), never
 * say 2xx for a delivery it did not store, stay up, and recover with its pool when the
 * database is back, processing every accepted delivery exactly once.
 */
import { expect } from 'chai';
import { startOutageDeployment, type OutageDeployment } from './support/outage-deployment.ts';
import { readiness, signInCreator, timedGet } from './support/outage-http.ts';
import { isAccepted, send, startWebhookStream, type SentDelivery } from './support/outage-webhooks.ts';
import { until } from '../support/wait.ts';

/** How long Chronos may take to notice the outage, or its end, on /readyz. */
const DETECT_WITHIN_MS = 5_000;
/** The database stays down until this many deliveries were answered while it was down. */
const DELIVERIES_DURING_OUTAGE = 20;
/**
 * How soon every accepted delivery is processed after the restart. After a fast shutdown, the
 * events a worker had claimed when the database went away are handed back as soon as it answers
 * again (src/services/webhooks/webhook-worker.ts). A crash can also drop the last processing
 * commits (they do not wait for the disk: `synchronous_commit = off`), leaving those events
 * claimed, unprocessed, until their 60 s lease lapses; then they are processed again, once.
 */
const PROCESSED_WITHIN_MS: Record<StopMode, number> = { fast: 20_000, immediate: 60_000 + 20_000 };

async function count(d: OutageDeployment, sql: string, values: unknown[]): Promise<number> {
  const [row] = await d.query<{ n: number }>(sql, values);
  return row!.n;
}

function tally(sent: SentDelivery[]): Record<string, number> {
  const byStatus: Record<string, number> = {};
  for (const s of sent) byStatus[String(s.status)] = (byStatus[String(s.status)] ?? 0) + 1;
  return byStatus;
}

type StopMode = 'fast' | 'immediate';

/**
 * One restart of `t`'s database in `mode` while a stream of webhooks runs, checked from the
 * outside: what Whop and a signed-in creator see, and what ends up in the database. Returns
 * the figures measured on the way.
 */
async function restartUnderStream(t: OutageDeployment, mode: StopMode): Promise<string> {
  const creator = await signInCreator(t.appUrl, t.sandbox.url);
  const stream = startWebhookStream(t.appUrl, t.webhookSecret, 'biz_creator1');
  try {
    await until(async () => stream.sent().filter((s) => isAccepted(s.status)).length >= 20, {
      what: 'deliveries accepted before the outage',
      timeoutMs: 10_000,
      intervalMs: 100,
      retryErrors: true,
    });

    await t.postgres.stop(mode);
    const down = { from: Date.now(), to: 0 };
    const detectMs = await until(
      async () => {
        const r = await readiness(t.appUrl);
        return r.status === 503 && r.body.failing?.join() === 'database' && r.body.checks?.redis === 'ok';
      },
      { what: 'readyz names the database', timeoutMs: DETECT_WITHIN_MS, intervalMs: 100, retryErrors: true },
    );
    const page = await timedGet(`${t.appUrl}/dashboard`, { browser: creator });
    expect(page.status, page.text.slice(0, 300)).to.equal(503);
    expect(page.headers.get('retry-after')).to.equal('5');
    expect(page.text).to.contain('Chronos is unavailable for a moment');
    const api = await timedGet(`${t.appUrl}/api/me`, { browser: creator });
    expect(api.status).to.equal(503);
    expect(JSON.parse(api.text)).to.include({ error: 'service_unavailable' });
    expect((await timedGet(`${t.appUrl}/healthz`)).status).to.equal(200);
    await until(async () => stream.sent().filter((s) => s.sentAt >= down.from).length >= DELIVERIES_DURING_OUTAGE, {
      what: 'deliveries answered during the outage',
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    expect(t.web.running(), 'the web process is still running').to.equal(true);

    down.to = Date.now();
    await t.postgres.start();
    const recoverMs = await until(async () => (await readiness(t.appUrl)).status === 200, {
      what: 'readyz ok again',
      timeoutMs: DETECT_WITHIN_MS,
      intervalMs: 100,
      retryErrors: true,
    });
    await until(async () => stream.sent().filter((s) => s.sentAt > down.to && isAccepted(s.status)).length >= 10, {
      what: 'deliveries accepted after the outage',
      timeoutMs: 10_000,
      intervalMs: 100,
      retryErrors: true,
    });
    const sent = await stream.stop();

    // Every answer was a 200 or a 503 with Retry-After (no 500, no hang); each delivery made while the database was down was refused.
    expect(
      sent.filter((s) => s.status !== 200 && s.status !== 503),
      JSON.stringify(tally(sent)),
    ).to.deep.equal([]);
    const duringOutage = sent.filter((s) => s.sentAt >= down.from && s.answeredAt <= down.to);
    expect(duringOutage.length).to.be.above(10);
    expect(duringOutage.filter((s) => s.status !== 503)).to.deep.equal([]);
    expect(sent.filter((s) => s.status === 503 && s.retryAfter !== '5')).to.deep.equal([]);

    // Every 2xx was stored.
    const ids = sent.map((s) => s.delivery.webhookId);
    const stored = new Set(
      (await t.query<{ id: string }>('SELECT id FROM webhook_events WHERE id = ANY($1::text[])', [ids])).map(
        (r) => r.id,
      ),
    );
    expect(sent.filter((s) => isAccepted(s.status) && !stored.has(s.delivery.webhookId))).to.deep.equal([]);

    // Whop retries the refused ones; now they are accepted (a 503 whose insert did commit would be a duplicate, still 200).
    const retried = await Promise.all(
      sent.filter((s) => !isAccepted(s.status)).map((s) => send(t.appUrl, t.webhookSecret, s.delivery)),
    );
    expect(retried.filter((status) => status !== 200)).to.deep.equal([]);
    expect(await count(t, 'SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::text[])', [ids])).to.equal(
      sent.length,
    );

    // Each delivery ends processed and its payment is applied once: one row, not changed again by a second application, one receipt.
    const processMs = await until(
      async () =>
        (await count(
          t,
          `SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::text[]) AND status = 'processed'`,
          [ids],
        )) === sent.length,
      { what: 'every delivery processed', timeoutMs: PROCESSED_WITHIN_MS[mode], intervalMs: 250, retryErrors: true },
    );
    const paymentIds = sent.map((s) => s.paymentId);
    expect(
      await count(t, 'SELECT count(*)::int AS n FROM payments WHERE whop_payment_id = ANY($1::text[])', [paymentIds]),
    ).to.equal(sent.length);
    expect(
      await count(
        t,
        'SELECT count(*)::int AS n FROM payments WHERE whop_payment_id = ANY($1::text[]) AND updated_at <> created_at',
        [paymentIds],
      ),
    ).to.equal(0);
    const receipts = paymentIds.map((id) => `receipt:${id}`);
    expect(
      await count(t, 'SELECT count(*)::int AS n FROM email_outbox WHERE dedupe_key = ANY($1::text[])', [receipts]),
    ).to.equal(sent.length);
    const reclaimed = await count(
      t,
      'SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::text[]) AND attempts > 1',
      [ids],
    );

    // Pages work again with the same session (it lives in Redis, which stayed up).
    const dashboard = await timedGet(`${t.appUrl}/dashboard`, { browser: creator });
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).to.contain('Fran Free');
    expect(t.web.running()).to.equal(true);
    expect(t.web.output(), 'no request failed with an unexpected error (500)').not.to.contain('"msg":"request failed"');
    return `${JSON.stringify(tally(sent))} of ${sent.length} deliveries; readyz 503 after ${detectMs} ms, 200 ${recoverMs} ms after the start; 503 page in ${page.ms} ms; all processed ${processMs} ms after the resends (${reclaimed} claimed more than once)`;
  } finally {
    await stream.stop();
  }
}

describe('PostgreSQL stopped under a stream of webhooks, then started again', function () {
  const deployments: Partial<Record<StopMode, OutageDeployment>> = {};
  before(async () => {
    const [fast, immediate] = await Promise.allSettled([
      startOutageDeployment({ env: { WORKER_IN_WEB: 'on' } }),
      startOutageDeployment({ env: { WORKER_IN_WEB: 'on' } }),
    ]);
    if (fast.status === 'fulfilled') deployments.fast = fast.value;
    if (immediate.status === 'fulfilled') deployments.immediate = immediate.value;
    for (const result of [fast, immediate]) if (result.status === 'rejected') throw result.reason;
  });
  after(async () => {
    await Promise.all(Object.values(deployments).map((d) => d.close()));
  });

  // Side by side, each on a deployment of its own: most of the time goes into waiting out the lease of claimed events.
  it('a fast shutdown and a crash (immediate): 503s while down, no 2xx unstored, the process stays up, the pool recovers, each accepted delivery processed once', async function () {
    const modes: StopMode[] = ['fast', 'immediate'];
    const results = await Promise.allSettled(modes.map((mode) => restartUnderStream(deployments[mode]!, mode)));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${modes[i]}: ${(r.reason as Error).stack ?? String(r.reason)}`] : [],
    );
    results.forEach((r, i) => r.status === 'fulfilled' && console.log(`      postgres ${modes[i]}: ${r.value}`));
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });
});
