/**
 * Scale-out: two web instances (separate processes, separate ports) behind one PostgreSQL and
 * one Redis, as a deployment with two dynos runs. Sessions belong to the deployment, not to the
 * instance that made them; a webhook is applied once whichever instance received it and however
 * often it was delivered; two worker processes share one inbox without processing anything twice.
 */
import { expect } from 'chai';
import { formField } from '../support/test-browser.ts';
import type { ChronosProcess } from '../support/chronos-process.ts';
import { startScaleDeployment, type ScaleDeployment } from './support/scale-deployment.ts';
import {
  countWhere,
  deliverAll,
  finishesByProcess,
  inboxGroups,
  installFinishLog,
  paymentDeliveries,
  paymentRowsOf,
  receiptsOf,
  waitingToClaim,
  withInboxHeld,
  type DeliveryResult,
} from './support/scale-inbox.ts';
import { signInThroughSandbox } from '../support/sandbox-sign-in.ts';
import { until } from '../support/wait.ts';

const DRAIN_TIMEOUT_MS = 45_000;

describe('two web instances sharing one PostgreSQL and one Redis', function () {
  let t: ScaleDeployment;
  let a: ChronosProcess;
  let b: ChronosProcess;
  let secret: string;

  before(async function () {
    this.timeout(120_000);
    t = await startScaleDeployment();
    secret = t.sandbox.options.app.webhookSecret;
    // The first instance migrates the database; the second starts on the migrated schema.
    a = await t.startWeb('web-a', { port: t.appPort, env: { WORKER_IN_WEB: 'off' } });
    b = await t.startWeb('web-b', { env: { WORKER_IN_WEB: 'off' } });
    await installFinishLog(t.db);
  });

  after(async function () {
    this.timeout(120_000);
    await t?.close();
  });

  const processedOrFinal = (ids: string[]) => async () =>
    (await countWhere(
      t.db,
      "SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::text[]) AND status NOT IN ('pending', 'processing')",
      [ids],
    )) === ids.length;

  it('a sign-in started on instance A finishes on instance B, and the session works on both', async () => {
    // The login state is saved in the session by A and checked by B, which opens the signed-in session.
    const browser = await signInThroughSandbox({
      appUrl: t.deployment.appUrl,
      startOn: a.url,
      finishOn: b.url,
      sandboxUrl: t.sandbox.url,
      whopUserId: 'user_student1',
    });

    const dashboardOnB = await browser.get(`${b.url}/dashboard`);
    expect(dashboardOnB.status, 'B shows the dashboard instead of sending to the login page').to.equal(200);
    expect(dashboardOnB.text).to.contain('Sam Student');
    expect(dashboardOnB.text).to.contain('Sign out');
    const meOnB = await browser.get(`${b.url}/api/me`);
    expect(meOnB.status).to.equal(200);
    expect((JSON.parse(meOnB.text) as { user: { id: string } }).user.id).to.equal('user_student1');
    const dashboardOnA = await browser.get(`${a.url}/dashboard`);
    expect(dashboardOnA.status).to.equal(200);
    expect(dashboardOnA.text).to.contain('Sam Student');
  });

  it('signing out on one instance ends the session on both, even with requests of it in flight on the other', async () => {
    const browser = await signInThroughSandbox({
      appUrl: t.deployment.appUrl,
      startOn: b.url,
      finishOn: b.url,
      sandboxUrl: t.sandbox.url,
      whopUserId: 'user_student2',
    });
    const page = await browser.get(`${b.url}/dashboard`);
    expect(page.status).to.equal(200);
    const csrf = formField(page.text, '_csrf');
    expect(csrf, 'the sign-out form carries a CSRF token').to.be.a('string');
    // A second tab keeps a copy of the cookie: it still sends the old session id after sign-out.
    const otherTab = browser.clone();

    // Pages of the same session keep loading on B while the user signs out on A.
    let signedOut = false;
    const answers: number[] = [];
    const inFlight = (async () => {
      while (!signedOut)
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 5 }, async () => (await otherTab.clone().get(`${b.url}/dashboard`)).status),
          )),
        );
      return answers;
    })();
    await until(() => answers.length >= 10, { what: 'pages answered on B before the sign-out', intervalMs: 5 });
    const logout = await browser.post(`${a.url}/api/whop/auth/logout`, { _csrf: csrf! });
    signedOut = true;
    const during = await inFlight;
    expect(logout.status).to.equal(302);
    expect(during.length, 'pages were requested on B during the sign-out').to.be.greaterThan(0);

    for (const instance of [a, b]) {
      const dashboard = await otherTab.get(`${instance.url}/dashboard`);
      expect(dashboard.status, `${instance.url} sends the old session to the login page`).to.equal(302);
      expect(new URL(dashboard.location!).pathname).to.equal('/login');
      expect(
        (await otherTab.get(`${instance.url}/api/me`)).status,
        `${instance.url} answers 401 to the old session`,
      ).to.equal(401);
    }
    expect((await browser.get(`${b.url}/dashboard`)).status, 'the signed-out browser is signed out on B').to.equal(302);
  });

  it('webhooks delivered alternately to A and B, each several times at once, are stored once and applied once', async function () {
    this.timeout(90_000);
    const worker = await t.startWorker('worker-c');
    const events = paymentDeliveries(100, 'dup');
    const ids = events.map((e) => e.webhookId);
    // Each event four times, twice to each instance, all interleaved and sent 40 at a time.
    const copies = events.flatMap((e) => [e, e, e, e]);
    const results = await deliverAll(copies, { secret, concurrency: 40, target: (i) => (i % 2 === 0 ? a.url : b.url) });

    expect(
      results.filter((r) => r.status !== 200),
      'every delivery is answered 200',
    ).to.deep.equal([]);
    const storedAnswers = (r: DeliveryResult) => !(JSON.parse(r.body!) as { duplicate?: boolean }).duplicate;
    const storedPerEvent = new Map<string, number>();
    for (const r of results.filter(storedAnswers))
      storedPerEvent.set(r.webhookId, (storedPerEvent.get(r.webhookId) ?? 0) + 1);
    expect(storedPerEvent.size, 'every event was stored by one of its deliveries').to.equal(100);
    expect(
      [...storedPerEvent.values()].every((n) => n === 1),
      'and only by one',
    ).to.equal(true);

    await until(processedOrFinal(ids), {
      what: 'the worker processes the 100 events',
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });
    // A Whop retry arriving after processing changes nothing.
    const late = await deliverAll(events.slice(0, 20), {
      secret,
      concurrency: 10,
      target: (i) => (i % 2 === 0 ? b.url : a.url),
    });
    expect(late.map((r) => r.body)).to.deep.equal(Array(20).fill('{"received":true,"duplicate":true}'));

    expect(await inboxGroups(t.db, ids)).to.deep.equal([
      { status: 'processed', attempts: 1, finishes: 1, events: 100 },
    ]);
    expect(await paymentRowsOf(t.db, events), 'one payment row per payment').to.equal(100);
    expect(await receiptsOf(t.db, events), 'one receipt queued per payment').to.equal(100);
    expect(await worker.stop(), 'the worker exits cleanly on SIGTERM').to.equal(0);
  });

  it('two worker processes drain a backlog of 500 accepted events, each event processed exactly once', async function () {
    this.timeout(120_000);
    const events = paymentDeliveries(500, 'backlog');
    const ids = events.map((e) => e.webhookId);
    const results = await deliverAll(events, { secret, concurrency: 40, target: (i) => (i % 2 === 0 ? a.url : b.url) });
    expect(results.filter((r) => r.status !== 200)).to.deep.equal([]);
    expect(await inboxGroups(t.db, ids), 'no worker runs yet: the backlog waits').to.deep.equal([
      { status: 'pending', attempts: 0, finishes: 0, events: 500 },
    ]);

    // Both workers start while the inbox is held, and wait on it: released, they start on the backlog together.
    const workers = await withInboxHeld(t.postgres.url, async () => {
      const started = await Promise.all([t.startWorker('worker-1'), t.startWorker('worker-2')]);
      await until(async () => (await waitingToClaim(t.db)).join() === 'worker-1,worker-2', {
        what: 'both workers wait to claim from the inbox',
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      return started;
    });

    await until(processedOrFinal(ids), {
      what: 'the two workers drain the backlog',
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
    });
    expect(await inboxGroups(t.db, ids)).to.deep.equal([
      { status: 'processed', attempts: 1, finishes: 1, events: 500 },
    ]);
    expect(await paymentRowsOf(t.db, events)).to.equal(500);
    expect(await receiptsOf(t.db, events)).to.equal(500);
    const shares = await finishesByProcess(t.db, ids);
    expect(Object.keys(shares).sort(), 'only the two workers processed the backlog').to.deep.equal([
      'worker-1',
      'worker-2',
    ]);
    expect(shares['worker-1']! + shares['worker-2']!).to.equal(500);
    expect(shares['worker-1'], 'worker-1 took a share').to.be.greaterThan(0);
    expect(shares['worker-2'], 'worker-2 took a share').to.be.greaterThan(0);
    for (const worker of workers) expect(await worker.stop(), 'each worker exits cleanly on SIGTERM').to.equal(0);
  });
});
