/**
 * A session started only to sign in lives 10 minutes in the store; the signed-in session that
 * replaces it gets the full 30 days. Read from the store itself: the in-process store's expiry,
 * or Redis's key TTL when REDIS_URL is set. Nothing sleeps: the expiry is read, not awaited.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser, formField } from '../support/test-browser.ts';
import { sessionIdOf } from '../support/session-inspection.ts';
import { storeMode } from '../support/test-env.ts';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';
import { ANONYMOUS_SESSION_MS } from '../../src/sessions/anonymous-session-lifetime.ts';
import { SESSION_IDLE_MS } from '../../src/sessions/session-middleware.ts';

const MINUTE = 60_000;

/** How long the store keeps `sid` from now, in ms. */
async function storedLifetimeMs(t: ChronosWithSandbox, sid: string): Promise<number> {
  const inner = t.runtime.deps.sessionStore.inner;
  if (inner instanceof MemorySessionStore) return (inner.expiresAt(sid) ?? -1) - Date.now();
  return t.runtime.deps.redis!.pttl(`${t.config.redisPrefix}sess:${sid}`);
}

/** Max-Age of the session cookie the answer sets, in ms. */
function cookieMaxAgeMs(setCookie: string[]): number {
  const cookie = setCookie.find((line) => line.startsWith('chronos.sid='));
  const expires = /Expires=([^;]+)/i.exec(cookie ?? '')?.[1];
  return expires ? new Date(expires).getTime() - Date.now() : -1;
}

describe(`pre-login sessions are short-lived (${storeMode} sessions)`, function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  after(() => t.close());

  it('keeps a session started by GET /api/whop/auth/login 10 minutes, in the store and in the cookie', async () => {
    expect(ANONYMOUS_SESSION_MS).to.equal(10 * MINUTE);
    const browser = new TestBrowser();
    const start = await browser.get(`${t.appUrl}/api/whop/auth/login`);
    expect(start.status).to.equal(302);
    const sid = sessionIdOf(browser, t.appUrl)!;

    expect(await storedLifetimeMs(t, sid)).to.be.within(9 * MINUTE, 10 * MINUTE);
    expect(cookieMaxAgeMs(start.headers.getSetCookie())).to.be.within(9 * MINUTE, 10 * MINUTE + 1000);

    // A second sign-in started from the same browser keeps it short.
    await browser.get(`${t.appUrl}/api/whop/auth/login`);
    expect(sessionIdOf(browser, t.appUrl)).to.equal(sid);
    expect(await storedLifetimeMs(t, sid)).to.be.within(9 * MINUTE, 10 * MINUTE);
  });

  it('gives the session the full lifetime once the sign-in completes, and keeps it on a later sign-in start', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${t.appUrl}/api/whop/auth/login`);
    const preLogin = sessionIdOf(browser, t.appUrl)!;
    const consent = await browser.get(start.location!);
    const decision = await browser.post(`${t.sandbox.url}/oauth/authorize/decision`, {
      handle: formField(consent.text, 'handle')!,
      decision: 'approve',
      user_id: 'user_student1',
    });
    const callback = await browser.get(decision.location!);
    expect(callback.status).to.equal(302);

    const signedIn = sessionIdOf(browser, t.appUrl)!;
    expect(signedIn).not.to.equal(preLogin);
    expect(await storedLifetimeMs(t, signedIn)).to.be.within(SESSION_IDLE_MS - MINUTE, SESSION_IDLE_MS);
    expect(cookieMaxAgeMs(callback.headers.getSetCookie())).to.be.within(
      SESSION_IDLE_MS - MINUTE,
      SESSION_IDLE_MS + 1000,
    );

    // Starting another sign-in while signed in does not shorten the signed-in session.
    expect((await browser.get(`${t.appUrl}/api/whop/auth/login`)).status).to.equal(302);
    expect(sessionIdOf(browser, t.appUrl)).to.equal(signedIn);
    expect(await storedLifetimeMs(t, signedIn)).to.be.within(SESSION_IDLE_MS - MINUTE, SESSION_IDLE_MS);
  });
});
