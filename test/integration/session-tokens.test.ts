import { expect } from 'chai';
import type { SessionData } from 'express-session';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser, formField } from '../support/test-browser.ts';
import {
  openTokens,
  rawSessionValues,
  sessionIdOf,
  storedSession,
  writeStoredSession,
} from '../support/session-inspection.ts';
import { storeMode } from '../support/test-env.ts';
import { movableClock } from '../support/test-clock.ts';
import { logRecords } from '../support/log-records.ts';

async function sessionOf(t: ChronosWithSandbox, browser: TestBrowser): Promise<{ sid: string; session: SessionData }> {
  const sid = sessionIdOf(browser, t.appUrl)!;
  const session = (await storedSession(t.runtime, sid))!;
  return { sid, session };
}

async function csrfOf(t: ChronosWithSandbox, browser: TestBrowser): Promise<string> {
  return JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
}

/** Calls the token endpoint directly, as an attacker holding a refresh token would. */
async function refreshAtWhop(t: ChronosWithSandbox, refreshToken: string): Promise<number> {
  const app = t.sandbox.options.app;
  const response = await fetch(`${t.sandbox.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }),
  });
  return response.status;
}

describe(`Whop tokens in the session (${storeMode} sessions)`, () => {
  describe('at rest, logout and guards', () => {
    let t: ChronosWithSandbox;
    before(async () => (t = await startChronosWithSandbox()));
    after(() => t.close());

    it('keeps the token bundle only encrypted: no token string in the store, the logs or any response', async () => {
      const browser = await t.signIn('user_student1');
      const { session } = await sessionOf(t, browser);
      const tokens = openTokens(t.runtime, session);
      expect(tokens.accessToken).to.have.length.greaterThan(20);
      expect(tokens.refreshToken).to.have.length.greaterThan(20);
      expect(session.whopTokens).to.match(/^v1\.[\w-]+\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
      const responses = [
        await browser.get(`${t.appUrl}/dashboard`),
        await browser.get(`${t.appUrl}/api/me`),
        await browser.get(`${t.appUrl}/api/me/whop`),
      ];
      const secrets = [tokens.accessToken, tokens.refreshToken!, tokens.idToken!];
      for (const secret of secrets) {
        for (const raw of await rawSessionValues(t.runtime)) expect(raw).not.to.contain(secret);
        for (const line of t.logLines) expect(line).not.to.contain(secret);
        for (const response of responses) {
          expect(response.text).not.to.contain(secret);
          expect(String(response.headers.getSetCookie())).not.to.contain(secret);
        }
      }
    });

    it('ends the session when the token envelope was tampered with', async () => {
      const browser = await t.signIn('user_student2');
      const { sid, session } = await sessionOf(t, browser);
      const parts = session.whopTokens.split('.');
      const body = Buffer.from(parts[4]!, 'base64url');
      body[0] = body[0]! ^ 0xff;
      parts[4] = body.toString('base64url');
      await writeStoredSession(t.runtime, sid, { ...session, whopTokens: parts.join('.') });
      const call = await browser.get(`${t.appUrl}/api/me/whop`);
      expect(call.status).to.equal(401);
      expect(JSON.parse(call.text).error).to.equal('unauthenticated');
      const dashboard = await browser.get(`${t.appUrl}/dashboard`);
      expect(dashboard.status).to.equal(302);
      const login = await browser.get(dashboard.location!);
      expect(login.text).to.contain('Your session could not be verified');
    });

    it('ends the session when the envelope belongs to another user', async () => {
      const alice = await t.signIn('user_student1');
      const bob = await t.signIn('user_student2');
      const { session: aliceSession } = await sessionOf(t, alice);
      const { sid: bobSid, session: bobSession } = await sessionOf(t, bob);
      await writeStoredSession(t.runtime, bobSid, { ...bobSession, whopTokens: aliceSession.whopTokens });
      expect((await bob.get(`${t.appUrl}/api/me/whop`)).status).to.equal(401);
    });

    it('refuses logout without a CSRF token (403) and the user stays signed in', async () => {
      const browser = await t.signIn('user_student1');
      const refused = await browser.post(`${t.appUrl}/api/whop/auth/logout`, {});
      expect(refused.status).to.equal(403);
      const wrong = await browser.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: 'not-the-token' });
      expect(wrong.status).to.equal(403);
      expect((await browser.get(`${t.appUrl}/api/me`)).status).to.equal(200);
    });

    it('signs out: revokes the refresh token at Whop, destroys the session in the store, clears the cookie', async () => {
      const browser = await t.signIn('user_student1');
      const { sid, session } = await sessionOf(t, browser);
      const { refreshToken } = openTokens(t.runtime, session);
      const dashboard = await browser.get(`${t.appUrl}/dashboard`);
      const csrf = formField(dashboard.text, '_csrf')!;
      const logout = await browser.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: csrf });
      expect(logout.status).to.equal(302);
      expect(logout.location).to.equal(`${t.appUrl}/`);
      expect(logout.headers.getSetCookie().join()).to.match(/chronos\.sid=;.*Expires=Thu, 01 Jan 1970/);
      expect(await storedSession(t.runtime, sid)).to.equal(null);
      expect(await refreshAtWhop(t, refreshToken!)).to.equal(400);
      expect((await browser.get(`${t.appUrl}/dashboard`)).status).to.equal(302);
    });

    it('keeps a signed-out session dead even if an old copy of it is replayed', async () => {
      const browser = await t.signIn('user_student2');
      const stolen = browser.clone();
      const csrf = await csrfOf(t, browser);
      await browser.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: csrf });
      expect((await stolen.get(`${t.appUrl}/api/me`)).status).to.equal(401);
      expect((await stolen.get(`${t.appUrl}/dashboard`)).status).to.equal(302);
      // Signing out again is harmless and revives nothing.
      expect((await stolen.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: csrf })).location).to.equal(
        `${t.appUrl}/`,
      );
      expect((await stolen.get(`${t.appUrl}/api/me`)).status).to.equal(401);
    });

    it('accepts the CSRF token in the x-csrf-token header for JSON requests', async () => {
      const browser = await t.signIn('user_student1');
      const csrf = await csrfOf(t, browser);
      const response = await browser.request(`${t.appUrl}/api/whop/auth/logout`, {
        method: 'POST',
        json: {},
        headers: { 'x-csrf-token': csrf },
      });
      expect(response.status).to.equal(302);
    });

    it('sends strangers to the login page (pages) or answers 401 (JSON)', async () => {
      const stranger = new TestBrowser();
      const page = await stranger.get(`${t.appUrl}/dashboard?tab=videos`);
      expect(page.status).to.equal(302);
      expect(page.location).to.equal(`${t.appUrl}/login?returnTo=%2Fdashboard%3Ftab%3Dvideos`);
      const api = await stranger.get(`${t.appUrl}/api/me`);
      expect(api.status).to.equal(401);
      expect(JSON.parse(api.text)).to.deep.include({ error: 'unauthenticated' });
    });

    it('answers 403 on /admin/* to a signed-in non-admin, and lets an admin through the guard', async () => {
      const member = await t.signIn('user_student1');
      const refused = await member.get(`${t.appUrl}/admin/tiers`);
      expect(refused.status).to.equal(403);
      expect(refused.text).to.contain('This page is for Chronos administrators.');
      expect((await member.get(`${t.appUrl}/admin/anything/else`)).status).to.equal(403);
      const admin = await t.signIn('user_admin');
      expect(JSON.parse((await admin.get(`${t.appUrl}/api/me`)).text).role).to.equal('admin');
      expect((await admin.get(`${t.appUrl}/admin/anything/else`)).status).to.equal(404);
    });

    it('ends a session after its absolute lifetime, however active it was', async () => {
      const browser = await t.signIn('user_student1');
      const { sid, session } = await sessionOf(t, browser);
      await writeStoredSession(t.runtime, sid, { ...session, absoluteExpiresAt: Date.now() - 1 });
      const page = await browser.get(`${t.appUrl}/dashboard`);
      expect(page.status).to.equal(302);
      expect((await browser.get(page.location!)).text).to.contain('Your session has ended');
    });
  });

  describe('refresh', () => {
    let t: ChronosWithSandbox;
    // Whop's access tokens last 2 s; Chronos's clock is moved past that instead of waiting.
    const clock = movableClock();
    const pastExpiry = () => clock.advance(2_100);
    const refreshesOf = (userId: number) =>
      logRecords(t.logLines).filter((r) => r.msg === 'whop tokens refreshed' && r.userId === userId).length;
    before(
      async () =>
        (t = await startChronosWithSandbox({
          sandbox: { accessTokenTtlSeconds: 2 },
          services: { tokenRefreshMarginMs: 500, now: clock.now },
        })),
    );
    after(() => t.close());

    it('uses the access token while it is fresh and refreshes it once it has expired', async () => {
      const browser = await t.signIn('user_student1');
      const first = await browser.get(`${t.appUrl}/api/me/whop`);
      expect(first.status).to.equal(200);
      expect(JSON.parse(first.text).profile.sub).to.equal('user_student1');
      const before = (await sessionOf(t, browser)).session;
      expect(before.whopTokensGen).to.equal(1);
      pastExpiry();
      const second = await browser.get(`${t.appUrl}/api/me/whop`);
      expect(second.status).to.equal(200);
      const after = (await sessionOf(t, browser)).session;
      expect(after.whopTokensGen).to.equal(2);
      expect(openTokens(t.runtime, after).refreshToken).not.to.equal(openTokens(t.runtime, before).refreshToken);
    });

    it('shares one refresh among 10 concurrent requests of one session, and all of them succeed', async () => {
      const browser = await t.signIn('user_student2');
      const { session: signedIn } = await sessionOf(t, browser);
      const userId = signedIn.userId!;
      const refreshesBefore = refreshesOf(userId);
      pastExpiry();
      const responses = await Promise.all(Array.from({ length: 10 }, () => browser.get(`${t.appUrl}/api/me/whop`)));
      expect(responses.map((r) => r.status)).to.deep.equal(Array(10).fill(200));
      expect(refreshesOf(userId) - refreshesBefore).to.equal(1);
      const { session } = await sessionOf(t, browser);
      expect(session.whopTokensGen).to.equal(2);
      // The stored refresh token is the live one: Whop revokes the whole family if a rotated one is reused.
      pastExpiry();
      expect((await browser.get(`${t.appUrl}/api/me/whop`)).status).to.equal(200);
    });

    it('signs the user out with a message when Whop has revoked the refresh token', async () => {
      const browser = await t.signIn('user_student1');
      const { session } = await sessionOf(t, browser);
      const { refreshToken } = openTokens(t.runtime, session);
      const app = t.sandbox.options.app;
      await fetch(`${t.sandbox.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshToken!, client_id: app.clientId, client_secret: app.clientSecret }),
      });
      pastExpiry();
      const page = await browser.get(`${t.appUrl}/api/me/whop`);
      expect(page.status).to.equal(401);
      const dashboard = await browser.get(`${t.appUrl}/dashboard`);
      expect(dashboard.status).to.equal(302);
      const login = await browser.get(dashboard.location!);
      expect(login.text).to.contain('Your Whop sign-in has expired. Please sign in again.');
    });
  });
});
