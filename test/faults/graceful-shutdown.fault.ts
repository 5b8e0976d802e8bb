/**
 * Graceful shutdown: a platform stops processes with SIGTERM at any moment (deploys, scaling
 * down, restarts). A web instance stopped in the middle of a burst of webhooks keeps every
 * delivery it answered 2xx; a worker stopped in the middle of a backlog finishes its batch and
 * releases nothing half-done; both exit 0, and what they leave is finished by the next process,
 * each event exactly once.
 */
import { expect } from 'chai';
import { startScaleDeployment, type ScaleDeployment } from './support/scale-deployment.ts';
import { startSlowDelivery } from './support/shutdown-slow-delivery.ts';
import {
  countWhere,
  deliverAll,
  finishesByProcess,
  inboxGroups,
  installFinishLog,
  paymentDeliveries,
  paymentRowsOf,
  receiptsOf,
  type DeliveryResult,
} from './support/scale-inbox.ts';
import { until } from '../support/wait.ts';

const DRAIN_TIMEOUT_MS = 45_000;
/** src/server.ts: after this long, a stopping web process closes the connections still open. */
const SHUTDOWN_GRACE_MS = 10_000;

describe('graceful shutdown with SIGTERM', function () {
  let t: ScaleDeployment;
  let secret: string;

  before(async function () {
    this.timeout(60_000);
    t = await startScaleDeployment();
    secret = t.sandbox.options.app.webhookSecret;
  });

  after(async function () {
    this.timeout(120_000);
    await t?.close();
  });

  const countIn = (ids: string[], condition: string) =>
    countWhere(t.db, `SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::text[]) AND ${condition}`, [
      ids,
    ]);
  const allFinished = (ids: string[]) => async () =>
    (await countIn(ids, "status NOT IN ('pending', 'processing')")) === ids.length;

  it('a web instance stopped in the middle of a webhook burst keeps every delivery it accepted, exits 0, and leaves no event claimed', async function () {
    this.timeout(120_000);
    // The first web process migrates the database; it also runs the webhook worker, as in development.
    const web = await t.startWeb('web-1', { port: t.appPort, env: { WORKER_IN_WEB: 'on' } });
    await installFinishLog(t.db);

    const events = paymentDeliveries(600, 'burst');
    const allIds = events.map((e) => e.webhookId);
    // First part of the burst: 150 deliveries, then wait until the web process's own worker has
    // finished some, so that SIGTERM finds it working (under load it may start late).
    const warmup = events.slice(0, 150);
    const firstResults = await deliverAll(warmup, { secret, concurrency: 50, target: () => web.url });
    expect(
      firstResults.filter((r) => r.status !== 200),
      'the first part of the burst is accepted',
    ).to.deep.equal([]);
    const webFinishes = async () => (await finishesByProcess(t.db, allIds))['web-1'] ?? 0;
    await until(async () => (await webFinishes()) > 0, {
      what: "the web process's own worker processes the burst",
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });

    // The rest of the burst, with SIGTERM once 50 more have been accepted.
    let acceptedSoFar = 0;
    let stopping: Promise<number | null> | undefined;
    let stoppedAfter = 0;
    let exitedAfterMs = Infinity;
    const onResult = (result: DeliveryResult) => {
      if (result.status !== undefined && result.status >= 200 && result.status < 300) acceptedSoFar += 1;
      if (acceptedSoFar >= 50 && !stopping) {
        stoppedAfter = acceptedSoFar;
        const signalledAt = Date.now();
        stopping = web.stop('SIGTERM').then((code) => ((exitedAfterMs = Date.now() - signalledAt), code));
      }
    };
    const rest = await deliverAll(events.slice(warmup.length), {
      secret,
      concurrency: 50,
      target: () => web.url,
      onResult,
    });
    const results = [...firstResults, ...rest];
    expect(stopping, 'SIGTERM was sent during the burst').to.not.equal(undefined);
    expect(await stopping, `the web process exits 0 on SIGTERM:\n${web.output().slice(-2000)}`).to.equal(0);
    expect(
      exitedAfterMs,
      'it finishes its requests and exits before its 10 s grace period would cut connections',
    ).to.be.below(SHUTDOWN_GRACE_MS - 1_000);

    const accepted = results.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
    const refused = results.filter((r) => r.status === undefined);
    const answeredOtherwise = results.filter((r) => r.status !== undefined && (r.status < 200 || r.status >= 300));
    expect(
      answeredOtherwise.map((r) => r.status),
      'no delivery is answered with an error: in-flight requests finish',
    ).to.deep.equal([]);
    expect(refused.length, 'deliveries sent after SIGTERM find the door closed (Whop retries them)').to.be.greaterThan(
      0,
    );
    expect(accepted.length, 'deliveries were accepted before and during the shutdown').to.be.at.least(
      warmup.length + stoppedAfter,
    );

    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM webhook_events WHERE id = ANY($1::text[])', [
      allIds,
    ]);
    const stored = new Set(rows.map((r) => r.id));
    const acceptedIds = new Set(accepted.map((r) => r.webhookId));
    expect(stored.size, 'as many events stored as deliveries accepted').to.equal(acceptedIds.size);
    expect(
      [...acceptedIds].filter((id) => !stored.has(id)),
      'every accepted delivery is stored',
    ).to.deep.equal([]);
    expect(await countIn(allIds, "status = 'processing'"), 'the stopped process left no event claimed').to.equal(0);

    const doneByWeb = await webFinishes();

    // The next process finishes what the stopped one left, each event once.
    const worker = await t.startWorker('worker-after-web');
    const acceptedList = [...acceptedIds];
    await until(allFinished(acceptedList), {
      what: 'the restarted worker finishes the accepted events',
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });
    expect(await inboxGroups(t.db, acceptedList)).to.deep.equal([
      { status: 'processed', attempts: 1, finishes: 1, events: acceptedList.length },
    ]);
    const shares = { 'web-1': 0, 'worker-after-web': 0, ...(await finishesByProcess(t.db, allIds)) };
    expect(shares, 'the restarted worker finished exactly what the web process left').to.deep.equal({
      'web-1': doneByWeb,
      'worker-after-web': acceptedIds.size - doneByWeb,
    });
    expect(await paymentRowsOf(t.db, events), 'a payment row for each accepted delivery, none for the others').to.equal(
      acceptedIds.size,
    );
    expect(await worker.stop(), 'the worker exits 0 on SIGTERM').to.equal(0);
  });

  it('a delivery still arriving when SIGTERM comes is stored and answered, and its kept-alive connection does not hold the exit up', async function () {
    this.timeout(60_000);
    const web = await t.startWeb('web-slow', { port: t.appPort, env: { WORKER_IN_WEB: 'off' } });
    const [item, late] = paymentDeliveries(2, 'slow');
    // The server has taken the request and half its body is sent; the rest comes after SIGTERM.
    const slow = await startSlowDelivery(web.url, secret, item!);
    try {
      const signalledAt = Date.now();
      const stopping = web.stop('SIGTERM');
      await until(async () => web.output().includes('shutting down'), {
        what: 'the web process begins to shut down',
        timeoutMs: 5_000,
        intervalMs: 50,
      });

      const [refused] = await deliverAll([late!], { secret, concurrency: 1, target: () => web.url });
      expect(refused!.status, 'a new connection is refused').to.equal(undefined);
      const answer = await slow.finish();
      expect(answer.status, 'the delivery in flight is answered 200').to.equal(200);
      expect(answer.headers.connection, 'and told not to reuse its connection').to.equal('close');
      expect(await stopping, `the web process exits 0 on SIGTERM:\n${web.output().slice(-2000)}`).to.equal(0);
      expect(
        Date.now() - signalledAt,
        'without waiting for its grace period, though the client never closed the connection',
      ).to.be.below(SHUTDOWN_GRACE_MS - 1_000);
      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM webhook_events WHERE id = ANY($1::text[])', [
        [item!.webhookId, late!.webhookId],
      ]);
      expect(
        rows.map((r) => r.id),
        'the answered delivery is stored, the refused one is not',
      ).to.deep.equal([item!.webhookId]);
    } finally {
      slow.close();
    }
  });

  it('a worker stopped in the middle of a backlog exits 0, and a restarted worker finishes the rest, each event exactly once', async function () {
    this.timeout(120_000);
    // Deliveries are accepted by a web instance that runs no worker: the backlog waits.
    const web = await t.startWeb('web-2', { port: t.appPort, env: { WORKER_IN_WEB: 'off' } });
    const events = paymentDeliveries(600, 'drain');
    const ids = events.map((e) => e.webhookId);
    const results = await deliverAll(events, { secret, concurrency: 50, target: () => web.url });
    expect(results.filter((r) => r.status !== 200)).to.deep.equal([]);
    expect(await inboxGroups(t.db, ids)).to.deep.equal([{ status: 'pending', attempts: 0, finishes: 0, events: 600 }]);

    const starting = t.startWorker('worker-1');
    await until(async () => ((await finishesByProcess(t.db, ids))['worker-1'] ?? 0) >= 50, {
      what: 'the first worker is draining',
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });
    const first = await starting;
    expect(await first.stop('SIGTERM'), `the worker exits 0 on SIGTERM:\n${first.output().slice(-2000)}`).to.equal(0);

    const doneByFirst = (await finishesByProcess(t.db, ids))['worker-1'] ?? 0;
    expect(doneByFirst, 'the worker was stopped with part of the backlog left').to.be.lessThan(600);
    expect(await countIn(ids, "status = 'processing'"), 'the stopped worker left no event claimed').to.equal(0);
    expect(await countIn(ids, "status = 'processed'")).to.equal(doneByFirst);

    const second = await t.startWorker('worker-2');
    await until(allFinished(ids), {
      what: 'the restarted worker finishes the backlog',
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });
    expect(await inboxGroups(t.db, ids)).to.deep.equal([
      { status: 'processed', attempts: 1, finishes: 1, events: 600 },
    ]);
    expect(await finishesByProcess(t.db, ids)).to.deep.equal({
      'worker-1': doneByFirst,
      'worker-2': 600 - doneByFirst,
    });
    expect(await paymentRowsOf(t.db, events)).to.equal(600);
    expect(await receiptsOf(t.db, events)).to.equal(600);
    expect(await second.stop(), 'the restarted worker exits 0 on SIGTERM').to.equal(0);
    expect(await web.stop(), 'the web process exits 0 on SIGTERM').to.equal(0);
  });
});
