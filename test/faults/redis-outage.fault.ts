/**
 * Redis outages against a real web process: its redis-server is stopped for real (its data,
 * which Redis keeps only in memory, is gone when it comes back), or paused (frozen with its
 * data). Chronos must answer clearly meanwhile, keep taking Whop's webhooks, and recover on
 * its own without being restarted.
 */
import { expect } from 'chai';
import { COMMAND_TIMEOUT_MS } from '../../src/db/redis-client.ts';
import type { TestBrowser } from '../support/test-browser.ts';
import { startOutageDeployment, type OutageDeployment } from './support/outage-deployment.ts';
import { readiness, signIn, signInCreator, timedGet, type TimedAnswer } from './support/outage-http.ts';
import { paymentDelivery, send } from './support/outage-webhooks.ts';
import { pauseRedis, redisPid, type PausedRedis } from './support/outage-redis.ts';
import { until } from '../support/wait.ts';

/** How long Chronos may take to notice an outage, or its end, on /readyz. */
const DETECT_WITHIN_MS = 5_000;
/** A request that needs Redis must be answered within this while Redis is frozen (the client's command timeout plus slack). */
const ANSWER_WITHIN_MS = COMMAND_TIMEOUT_MS + 2_000;

interface Me {
  user?: { id?: string };
  creator?: { companyId?: string } | null;
}

/** `GET /api/me` of a signed-in browser (200 expected). */
async function me(d: OutageDeployment, browser: TestBrowser): Promise<Me> {
  const answer = await timedGet(`${d.appUrl}/api/me`, { browser });
  expect(answer.status, answer.text).to.equal(200);
  return JSON.parse(answer.text) as Me;
}

/** A clear "wait a moment" page: 503, Retry-After, HTML; not a crash, and not a sign-out (no redirect, the cookie left alone). */
function expectOutagePage(answer: TimedAnswer): void {
  expect(answer.status, answer.text.slice(0, 300)).to.equal(503);
  expect(answer.headers.get('retry-after')).to.equal('5');
  expect(answer.headers.get('content-type')).to.contain('text/html');
  expect(answer.text).to.contain('Temporarily unavailable');
  expect(answer.headers.get('location')).to.equal(null);
  expect(answer.headers.getSetCookie()).to.deep.equal([]);
}

function expectOutageJson(answer: TimedAnswer): void {
  expect(answer.status, answer.text.slice(0, 300)).to.equal(503);
  expect(answer.headers.get('retry-after')).to.equal('5');
  expect(JSON.parse(answer.text)).to.include({ error: 'service_unavailable' });
  expect(answer.headers.getSetCookie()).to.deep.equal([]);
}

async function eventStatuses(d: OutageDeployment, ids: string[]): Promise<string[]> {
  const rows = await d.query<{ status: string }>('SELECT status FROM webhook_events WHERE id = ANY($1::text[])', [ids]);
  return rows.map((r) => r.status);
}

describe('Redis stopped for real, then started again (its data gone)', function () {
  let d: OutageDeployment | undefined;
  before(async () => (d = await startOutageDeployment({ env: { WORKER_IN_WEB: 'on' } })));
  after(async () => d?.close());

  it('answers 503 without signing anyone out, keeps taking webhooks, and recovers by itself; the wiped session leads to the login page', async function () {
    const t = d!;
    const creator = await signInCreator(t.appUrl, t.sandbox.url);
    expect((await timedGet(`${t.appUrl}/dashboard`, { browser: creator })).status).to.equal(200);

    await t.redis.stop();
    const detectMs = await until(
      async () => {
        const r = await readiness(t.appUrl);
        return r.status === 503 && r.body.failing?.join() === 'redis' && r.body.checks?.database === 'ok';
      },
      { what: 'readyz names redis', timeoutMs: DETECT_WITHIN_MS, intervalMs: 100, retryErrors: true },
    );

    const page = await timedGet(`${t.appUrl}/dashboard`, { browser: creator });
    expectOutagePage(page);
    expectOutageJson(await timedGet(`${t.appUrl}/api/me`, { browser: creator }));
    const signInPage = await timedGet(`${t.appUrl}/api/whop/auth/login`);
    expect(signInPage.status).to.equal(503);
    expect(signInPage.headers.get('content-type')).to.contain('text/html');
    expect((await timedGet(`${t.appUrl}/healthz`)).status).to.equal(200);
    expect((await timedGet(`${t.appUrl}/`)).status).to.equal(200);

    // Whop's deliveries need only PostgreSQL: accepted, stored and processed while Redis is away.
    const deliveries = Array.from({ length: 5 }, () => paymentDelivery('biz_creator1'));
    const answers = await Promise.all(deliveries.map((p) => send(t.appUrl, t.webhookSecret, p.delivery)));
    expect(answers).to.deep.equal([200, 200, 200, 200, 200]);
    const ids = deliveries.map((p) => p.delivery.webhookId);
    expect(await eventStatuses(t, ids)).to.have.length(5);
    const processMs = await until(async () => (await eventStatuses(t, ids)).every((s) => s === 'processed'), {
      what: 'webhooks processed during the outage',
      timeoutMs: 15_000,
      intervalMs: 100,
      retryErrors: true,
    });
    expect(t.web.running(), 'the web process is still running').to.equal(true);

    await t.redis.start();
    const recoverMs = await until(async () => (await readiness(t.appUrl)).status === 200, {
      what: 'readyz ok again',
      timeoutMs: DETECT_WITHIN_MS,
      intervalMs: 100,
      retryErrors: true,
    });

    // The store was wiped: the old cookie names no session, so the creator is asked to sign in again.
    const stale = await timedGet(`${t.appUrl}/dashboard`, { browser: creator });
    expect(stale.status).to.equal(302);
    expect(stale.headers.get('location')).to.equal('/login?returnTo=%2Fdashboard');
    const again = await signIn(t.appUrl, t.sandbox.url, 'user_creator_free');
    const dashboard = await timedGet(`${t.appUrl}/dashboard`, { browser: again });
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).to.contain('Fran Free');
    const identity = await me(t, again);
    expect(identity.user?.id).to.equal('user_creator_free');
    expect(identity.creator?.companyId).to.equal('biz_creator1');
    expect(await eventStatuses(t, ids)).to.deep.equal([
      'processed',
      'processed',
      'processed',
      'processed',
      'processed',
    ]);
    expect(t.web.running()).to.equal(true);
    console.log(
      `      redis stop: readyz 503 after ${detectMs} ms, webhooks processed ${processMs} ms into the outage, readyz 200 ${recoverMs} ms after the start; 503 page in ${page.ms} ms`,
    );
  });
});

describe('Redis paused (frozen with its data), then resumed', function () {
  let d: OutageDeployment | undefined;
  let paused: PausedRedis | undefined;
  before(async () => (d = await startOutageDeployment()));
  after(async () => {
    paused?.resume();
    await d?.close();
  });

  it('answers 503 within a bounded time while Redis does not answer, and the same session works again afterwards (no sign-out)', async function () {
    const t = d!;
    const creator = await signInCreator(t.appUrl, t.sandbox.url);
    const cookieBefore = creator.cookie(t.appUrl, 'chronos.sid');
    const identity = await me(t, creator);
    expect(identity.user?.id).to.equal('user_creator_free');

    paused = pauseRedis(await redisPid(t.redis.port));
    const page = await timedGet(`${t.appUrl}/dashboard`, { browser: creator, timeoutMs: 30_000 });
    expectOutagePage(page);
    expect(page.ms).to.be.below(ANSWER_WITHIN_MS);
    const api = await timedGet(`${t.appUrl}/api/me`, { browser: creator, timeoutMs: 30_000 });
    expectOutageJson(api);
    expect(api.ms).to.be.below(ANSWER_WITHIN_MS);
    const ready = await readiness(t.appUrl);
    expect(ready.status).to.equal(503);
    expect(ready.body.failing).to.deep.equal(['redis']);
    expect((await timedGet(`${t.appUrl}/healthz`)).status).to.equal(200);
    const webhook = paymentDelivery('biz_creator1');
    expect(await send(t.appUrl, t.webhookSecret, webhook.delivery)).to.equal(200);

    paused.resume();
    const recoverMs = await until(async () => (await readiness(t.appUrl)).status === 200, {
      what: 'readyz ok again',
      timeoutMs: DETECT_WITHIN_MS,
      intervalMs: 100,
      retryErrors: true,
    });
    const dashboard = await timedGet(`${t.appUrl}/dashboard`, { browser: creator });
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).to.contain('Fran Free');
    expect(await me(t, creator)).to.deep.equal(identity);
    expect(creator.cookie(t.appUrl, 'chronos.sid')).to.equal(cookieBefore);
    expect(t.web.running()).to.equal(true);
    console.log(
      `      redis pause: 503 page in ${page.ms} ms, API 503 in ${api.ms} ms, readyz 200 ${recoverMs} ms after the resume`,
    );
  });
});
