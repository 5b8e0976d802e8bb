/**
 * Secrets never reach the log or (in clear) the session store (SPEC §5, STYLE "Habits"). A
 * representative flow runs — sign-ins, onboarding, webhooks (ours and the sandbox's, good and
 * forged), CSRF refusals, a token refresh, a refresh Whop refuses, admin replay and
 * reconciliation, sign-outs — while every credential it handles is collected: the Whop tokens
 * of every session and generation (opened from the session envelope), the app's client
 * secret, API key, webhook, session and encryption keys, every `webhook-signature` sent, every
 * CSRF token and session cookie. Then every captured log line and raw store value is scanned.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import type { TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { openTokens, rawSessionValues, sessionIdOf, storedSession } from '../support/session-inspection.ts';
import { delivery, envelope, membershipData } from '../support/webhook-deliveries.ts';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';
import { csrfOf, insertDeadEvent } from './support/security-fixture.ts';
import { onboard } from '../support/onboarding.ts';
import { insertVideo } from '../support/videos.ts';
import { movableClock } from '../support/test-clock.ts';
import { until } from '../support/wait.ts';
import { sign } from './support/webhook-fuzz-cases.ts';

/** Secrets by kind; each value is checked verbatim (and, where it is binary, in its usual encodings). */
class SecretBag {
  readonly byKind = new Map<string, Set<string>>();

  add(kind: string, value: string | undefined | null): void {
    // Short values would match by accident; every real secret here is far longer.
    if (!value || value.length < 12) return;
    if (!this.byKind.has(kind)) this.byKind.set(kind, new Set());
    this.byKind.get(kind)!.add(value);
  }

  /** Where any secret of the given kinds appears in `texts`: "kind in <where>: …context…". */
  findIn(texts: readonly string[], where: string, kinds?: readonly string[]): string[] {
    const found: string[] = [];
    for (const [kind, values] of this.byKind) {
      if (kinds && !kinds.includes(kind)) continue;
      for (const value of values) {
        for (const text of texts) {
          const at = text.indexOf(value);
          if (at !== -1) found.push(`${kind} in ${where}: …${text.slice(Math.max(0, at - 80), at)}<<SECRET>>…`);
        }
      }
    }
    return found;
  }
}

async function collectSession(t: ChronosWithSandbox, browser: TestBrowser, bag: SecretBag): Promise<void> {
  const raw = browser.cookie(t.appUrl, 'chronos.sid');
  bag.add('session cookie', raw);
  bag.add('session cookie', raw && decodeURIComponent(raw));
  const sid = sessionIdOf(browser, t.appUrl);
  bag.add('session id', sid);
  const session = sid ? await storedSession(t.runtime, sid) : null;
  if (session?.whopTokens) {
    const tokens = openTokens(t.runtime, session);
    bag.add('access token', tokens.accessToken);
    bag.add('refresh token', tokens.refreshToken);
    bag.add('id token', tokens.idToken);
    bag.add('token envelope', session.whopTokens);
  }
  bag.add('csrf token', session?.csrfToken);
}

describe('secrets in logs and in the session store', function () {
  this.timeout(90_000);
  let t: ChronosWithSandbox;
  const clock = movableClock();

  before(async () => {
    // Access tokens live 2 s, so the flow includes real refreshes (Chronos's clock is moved past them).
    t = await startChronosWithSandbox({
      sandbox: { accessTokenTtlSeconds: 2 },
      services: { tokenRefreshMarginMs: 500, now: clock.now },
    });
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t?.close());

  it('logs no token, secret, key, signature, CSRF token or session cookie anywhere in a full flow, and stores no token or key in clear', async () => {
    const bag = new SecretBag();
    const { config } = t;
    bag.add('client secret', config.whop.clientSecret);
    bag.add('API key', config.whop.apiKey);
    for (const secret of config.whop.webhookSecrets) bag.add('webhook secret', secret);
    for (const secret of config.sessionSecrets) bag.add('session secret', secret);
    for (const { key } of config.whop.tokenEncryptionKeys)
      for (const encoding of ['hex', 'base64', 'base64url'] as const)
        bag.add('token encryption key', key.toString(encoding));

    // Sign-ins (the callback URL carries code and state) and onboarding.
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const student = await t.signIn('user_student1');
    const admin = await t.signIn('user_admin');
    for (const browser of [creator, student, admin]) await collectSession(t, browser, bag);

    // Webhooks: valid, duplicated, forged, stale; then the sandbox's own deliveries.
    const secret = config.whop.webhookSecrets[0]!;
    for (let i = 0; i < 6; i += 1) {
      const d = delivery(
        envelope(
          'membership.activated',
          'biz_creator1',
          membershipData({ user: `user_logscan${i}`, company: 'biz_creator1', product: 'prod_course1' }),
        ),
      );
      const timestamp = Math.floor(Date.now() / 1000) - (i === 5 ? 3_600 : 0);
      const headers = signWebhook({ id: d.webhookId, timestamp, body: d.body, secret });
      if (i === 4)
        headers['webhook-signature'] =
          `v1,${sign('ws_forged_secret_value', d.webhookId, String(timestamp), Buffer.from(d.body))} ${headers['webhook-signature']}`;
      bag.add('webhook-signature header', headers['webhook-signature']);
      for (const entry of headers['webhook-signature'].split(' ')) bag.add('webhook signature', entry.slice(3));
      for (let repeat = 0; repeat < (i === 1 ? 2 : 1); repeat += 1) {
        const response = await fetch(`${t.appUrl}/api/whop/webhook`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: i === 3 ? `${d.body} ` : d.body,
        });
        await response.arrayBuffer();
      }
    }
    const member = await t.control.createUser('logscan_member');
    const membership = await t.control.createMembership(member, 'prod_course1');
    await t.control.setStatus(membership, 'canceled');
    await t.control.pay('user_student2', 'prod_course1');
    type Deliveries = { data: { id: string; body: string; attempts: { at: string }[] }[] };
    const sandboxDeliveries = async () =>
      (await (await fetch(`${t.sandbox.url}/sandbox/api/deliveries`)).json()) as Deliveries;
    await until(async () => (await sandboxDeliveries()).data.filter((d) => d.attempts.length > 0).length >= 3, {
      what: 'the sandbox delivering its webhooks',
    });
    await t.drain();
    // The sandbox signs at send time: every signature it can have sent for each attempt.
    const deliveries = await sandboxDeliveries();
    expect(deliveries.data.length, 'sandbox deliveries').to.be.at.least(3);
    for (const d of deliveries.data) {
      for (const attempt of d.attempts) {
        const at = Math.floor(Date.parse(attempt.at) / 1000);
        for (let ts = at - 2; ts <= at + 1; ts += 1)
          bag.add('webhook signature', sign(secret, d.id, String(ts), Buffer.from(d.body)));
      }
    }

    // CSRF: tokens in headers and fields, refusals, and a token misplaced in a URL.
    const creatorCsrf = await csrfOf(t, creator);
    bag.add('csrf token', creatorCsrf);
    const creatorRow = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    const videoId = await insertVideo(t.runtime.deps.sequelize, creatorRow!.id, { title: 'log scan' });
    await creator.request(`${t.appUrl}/dashboard/videos/${videoId}/title`, {
      json: { title: 'log scan renamed' },
      headers: { 'x-csrf-token': creatorCsrf },
    });
    await creator.request(`${t.appUrl}/api/ai/credits`, {
      json: { amount: 5 },
      headers: { 'x-csrf-token': `${creatorCsrf}x` },
    });
    await creator.post(`${t.appUrl}/dashboard/videos/${videoId}/title`, { _csrf: creatorCsrf, title: '' });
    await creator.post(`${t.appUrl}/dashboard/videos/${videoId}/delete`, { _csrf: creatorCsrf });
    await creator.post(`${t.appUrl}/onboarding`, { _csrf: await csrfOf(t, student), companyId: 'biz_creator2' });
    await creator.get(`${t.appUrl}/dashboard?_csrf=${encodeURIComponent(creatorCsrf)}&page=1`);
    await creator.get(`${t.appUrl}/api/whop/auth/callback?code=forgedcode1234567&state=forgedstate1234567`);

    // Admin operations (replay, reconciliation with the API key).
    const adminCsrf = await csrfOf(t, admin);
    bag.add('csrf token', adminCsrf);
    await insertDeadEvent(t.runtime.deps.sequelize, 'evt_logscan_dead', 'biz_creator1');
    await admin.post(`${t.appUrl}/admin/webhooks/evt_logscan_dead/replay`, { _csrf: adminCsrf });
    await admin.post(`${t.appUrl}/admin/reconciliation`, { _csrf: adminCsrf });
    await t.drain();

    // A refresh that works (creator), one Whop refuses (student: refresh token revoked at Whop).
    const studentTokens = openTokens(t.runtime, (await storedSession(t.runtime, sessionIdOf(student, t.appUrl)!))!);
    const app = t.sandbox.options.app;
    await fetch(`${t.sandbox.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: studentTokens.refreshToken!,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }),
    });
    clock.advance(2_100);
    expect((await creator.get(`${t.appUrl}/api/me/whop`)).status).to.equal(200);
    await collectSession(t, creator, bag);
    expect((await student.get(`${t.appUrl}/api/me/whop`)).status).to.equal(401);
    await collectSession(t, admin, bag);

    // Sign-outs (each revokes its refresh token at Whop).
    for (const browser of [creator, admin]) {
      await collectSession(t, browser, bag);
      const csrf = await csrfOf(t, browser);
      expect((await browser.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: csrf })).status).to.equal(302);
    }

    expect(
      bag.byKind.get('access token')?.size ?? 0,
      'access tokens collected (two generations for the creator)',
    ).to.be.at.least(4);
    expect(t.logLines.length, 'the flow was logged').to.be.greaterThan(50);
    const inLogs = bag.findIn(t.logLines, 'the log');
    expect(inLogs, inLogs.slice(0, 10).join('\n')).to.deep.equal([]);
    const clearKinds = [
      'access token',
      'refresh token',
      'id token',
      'client secret',
      'API key',
      'webhook secret',
      'session secret',
      'token encryption key',
    ];
    const inStore = bag.findIn(await rawSessionValues(t.runtime), 'the session store', clearKinds);
    expect(inStore, inStore.slice(0, 10).join('\n')).to.deep.equal([]);
  });
});
