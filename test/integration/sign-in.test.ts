import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Env } from '../../src/config/config.ts';
import { SDK_API_VERSION_DATE } from '../../src/config/whop-settings.ts';
import type { ServiceOverrides } from '../../src/services/build-services.ts';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.ts';
import type { TestSandboxOverrides } from '@chronos/whop-sandbox/testing';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser, formField } from '../support/test-browser.ts';
import { sessionIdOf, storedSession } from '../support/session-inspection.ts';
import { storeMode } from '../support/test-env.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { logRecords } from '../support/log-records.ts';

/** Starts a sign-in and stops at Whop's consent page; returns the page's decision handle. */
async function reachConsent(t: ChronosWithSandbox, browser: TestBrowser, returnTo?: string) {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const start = await browser.get(`${t.appUrl}/api/whop/auth/login${query}`);
  expect(start.status).to.equal(302);
  const consent = await browser.get(start.location!);
  expect(consent.status).to.equal(200);
  return { authorizeUrl: new URL(start.location!), handle: formField(consent.text, 'handle')! };
}

async function approve(t: ChronosWithSandbox, browser: TestBrowser, handle: string, userId: string): Promise<string> {
  const decision = await browser.post(`${t.sandbox.url}/oauth/authorize/decision`, {
    handle,
    decision: 'approve',
    user_id: userId,
  });
  expect(decision.status).to.equal(302);
  return decision.location!;
}

describe(`Sign in with Whop (${storeMode} sessions)`, () => {
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  after(() => t.close());

  it('redirects to Whop with the exact redirect URI, openid scopes, single-use state and nonce, and PKCE S256', async () => {
    const browser = new TestBrowser();
    const { authorizeUrl } = await reachConsent(t, browser);
    expect(authorizeUrl.origin + authorizeUrl.pathname).to.equal(`${t.sandbox.url}/oauth/authorize`);
    const p = authorizeUrl.searchParams;
    expect(p.get('response_type')).to.equal('code');
    expect(p.get('client_id')).to.equal(t.config.whop.clientId);
    expect(p.get('redirect_uri')).to.equal(`${t.appUrl}/api/whop/auth/callback`);
    expect(p.get('scope')).to.equal('openid profile email');
    expect(p.get('code_challenge_method')).to.equal('S256');
    expect(p.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')).to.have.length.greaterThan(20);
    expect(p.get('nonce')).to.have.length.greaterThan(20);
    const second = await reachConsent(t, browser);
    expect(second.authorizeUrl.searchParams.get('state')).not.to.equal(p.get('state'));
  });

  it('signs a user in through the consent page, upserts the user, and shows them the dashboard', async () => {
    const browser = await t.signIn('user_student1');
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).to.contain('Sam Student');
    expect(dashboard.text).to.contain('Sign out');
    const me = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
    expect(me.user.id).to.equal('user_student1');
    expect(me.user.username).to.be.a('string');
    expect(me.role).to.be.oneOf(['member', 'student']);
    expect(me.csrfToken).to.be.a('string');
    const row = await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_student1' } });
    expect(row?.lastLoginAt).to.be.instanceOf(Date);
  });

  it('gives the browser a new session id at sign-in, and the cookie is httpOnly and SameSite=Lax', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser);
    const before = sessionIdOf(browser, t.appUrl);
    expect(before).to.be.a('string');
    const callback = await browser.get(await approve(t, browser, handle, 'user_student2'));
    expect(callback.status).to.equal(302);
    expect(callback.location).to.equal(`${t.appUrl}/dashboard`);
    const setCookie = callback.headers.getSetCookie().join('\n');
    expect(setCookie).to.contain('HttpOnly');
    expect(setCookie).to.contain('SameSite=Lax');
    const after = sessionIdOf(browser, t.appUrl);
    expect(after).not.to.equal(before);
    expect(await storedSession(t.runtime, before!)).to.equal(null);
    expect((await storedSession(t.runtime, after!))?.userId).to.be.a('number');
  });

  it('sends the user back to a local returnTo after sign-in', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser, '/dashboard?tab=videos');
    const callback = await browser.get(await approve(t, browser, handle, 'user_student1'));
    expect(callback.location).to.equal(`${t.appUrl}/dashboard?tab=videos`);
  });

  for (const hostile of [
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    'javascript:alert(1)',
    '/\r\nLocation: https://evil.example',
  ]) {
    it(`never sends the user off the site after sign-in (returnTo=${JSON.stringify(hostile)})`, async () => {
      const browser = new TestBrowser();
      const { handle } = await reachConsent(t, browser, hostile);
      const callback = await browser.get(await approve(t, browser, handle, 'user_student1'));
      expect(callback.status).to.equal(302);
      expect(callback.location).to.equal(`${t.appUrl}/dashboard`);
    });
  }

  it('shows a clear message and opens no session when the user denies consent', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser);
    const decision = await browser.post(`${t.sandbox.url}/oauth/authorize/decision`, { handle, decision: 'deny' });
    const page = await browser.get(decision.location!);
    expect(page.status).to.equal(400);
    expect(page.text).to.contain('You declined the request on Whop');
    expect(page.text).not.to.match(/at .*\.ts:\d+/);
    expect((await browser.get(`${t.appUrl}/dashboard`)).status).to.equal(302);
  });

  it('refuses a forged state without calling Whop', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser);
    const callbackUrl = new URL(await approve(t, browser, handle, 'user_student1'));
    callbackUrl.searchParams.set('state', 'forged-state-value');
    const page = await browser.get(callbackUrl);
    expect(page.status).to.equal(400);
    expect(page.text).to.contain('This sign-in link is not valid any more');
    expect((await browser.get(`${t.appUrl}/api/me`)).status).to.equal(401);
  });

  it('refuses a state that was already used, in the same browser', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser);
    const callbackUrl = await approve(t, browser, handle, 'user_student1');
    expect((await browser.get(callbackUrl)).status).to.equal(302);
    const replay = await browser.get(callbackUrl);
    expect(replay.status).to.equal(400);
    expect(replay.text).to.contain('This sign-in link is not valid any more');
  });

  it('refuses a callback (code and state) replayed in a second browser', async () => {
    const victim = new TestBrowser();
    const { handle } = await reachConsent(t, victim);
    const callbackUrl = await approve(t, victim, handle, 'user_student1');
    const attacker = new TestBrowser();
    const replay = await attacker.get(callbackUrl);
    expect(replay.status).to.equal(400);
    expect(replay.text).to.contain('This sign-in link is not valid any more');
    expect((await attacker.get(`${t.appUrl}/api/me`)).status).to.equal(401);
    expect((await victim.get(callbackUrl)).status).to.equal(302);
  });

  it('refuses a code that Whop already redeemed, with a message (the code is single use at the provider)', async () => {
    const browser = new TestBrowser();
    const first = await reachConsent(t, browser);
    const firstCallback = new URL(await approve(t, browser, first.handle, 'user_student1'));
    expect((await browser.get(firstCallback)).status).to.equal(302);
    // A second sign-in in the same browser, answered with the first sign-in's (already spent) code.
    const second = await reachConsent(t, browser);
    const secondCallback = new URL(await approve(t, browser, second.handle, 'user_student1'));
    secondCallback.searchParams.set('code', firstCallback.searchParams.get('code')!);
    const replay = await browser.get(secondCallback);
    expect(replay.status).to.equal(400);
    expect(replay.text).to.contain('already used or has expired');
  });

  it('treats an unknown error from Whop as a failed sign-in with a message, not a 500', async () => {
    const page = await new TestBrowser().get(`${t.appUrl}/api/whop/auth/callback?error=server_error&state=x`);
    expect(page.status).to.equal(400);
    expect(page.text).to.contain('Whop could not complete the sign-in');
  });

  it('sends Api-Version-Date on Chronos’s Whop REST calls: the installed SDK’s date by default', async () => {
    t.whopCalls.reset();
    await t.runtime.deps.services.whop.getCompany(t.config.whop.companyId);
    expect(t.whopCalls.headers.map((h) => h['api-version-date'])).to.deep.equal([SDK_API_VERSION_DATE]);
  });

  it('logs the sign-in with the user id and never the code', async () => {
    const browser = new TestBrowser();
    const { handle } = await reachConsent(t, browser);
    const callbackUrl = new URL(await approve(t, browser, handle, 'user_student2'));
    await browser.get(callbackUrl);
    const code = callbackUrl.searchParams.get('code')!;
    expect(
      logRecords(t.logLines).some(
        (r) => r.msg === 'signed in' && r.whopUserId === 'user_student2' && typeof r.userId === 'number',
      ),
    ).to.equal(true);
    expect(t.logLines.filter((l) => l.includes(code))).to.deep.equal([]);
  });
});

describe('Sign in with Whop when the provider is down', () => {
  it('still starts, answers the login route with a 503 page, and works once Whop is reachable', async () => {
    const http = await import('node:http');
    const { createSandbox } = await import('@chronos/whop-sandbox');
    // The issuer's address is held by this test all along: first it drops every connection
    // (Whop down), then it serves a sandbox (Whop back) — no port can be taken in between.
    let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (req) =>
      req.socket.destroy();
    const issuer = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    const issuerUrl = `http://127.0.0.1:${(issuer.address() as import('node:net').AddressInfo).port}`;
    const t = await startChronosWithSandbox({
      env: { WHOP_OAUTH_ISSUER: issuerUrl },
      services: { oidcDiscoveryRetryMs: 0 },
    });
    try {
      const down = await new TestBrowser().get(`${t.appUrl}/api/whop/auth/login`);
      expect(down.status).to.equal(503);
      expect(down.headers.get('retry-after')).to.equal('5');
      expect(down.text).to.contain('Whop sign-in is not reachable right now');
      const sandbox = await createSandbox({ ...t.sandbox.options, origin: issuerUrl });
      handler = sandbox.app;
      try {
        const up = await new TestBrowser().get(`${t.appUrl}/api/whop/auth/login`);
        expect(up.status).to.equal(302);
        expect(up.location).to.contain(`${issuerUrl}/oauth/authorize`);
      } finally {
        await sandbox.close();
      }
    } finally {
      issuer.closeAllConnections();
      issuer.close();
      await t.close();
    }
  });
});

describe('rate limit on the sign-in routes', () => {
  it('answers 429 with a page that says when to retry, per client', async () => {
    const t = await startChronosWithSandbox({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '3', REDIS_PREFIX: `${runRedisPrefix}rate-limit-test:` },
    });
    try {
      const browser = new TestBrowser();
      for (let i = 0; i < 3; i += 1)
        expect((await browser.get(`${t.appUrl}/api/whop/auth/login`)).status).to.equal(302);
      const limited = await browser.get(`${t.appUrl}/api/whop/auth/login`);
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      expect(limited.text).to.match(/Too many sign-in attempts from your network\. Please try again in \d+ seconds\./);
      expect((await browser.get(`${t.appUrl}/login`)).status).to.equal(200);
    } finally {
      await t.close();
    }
  });
});

describe('sign-in when the database fails', () => {
  it('shows an error page (HTML, no stack trace) and opens no session', async () => {
    const t = await startChronosWithSandbox();
    try {
      const browser = new TestBrowser();
      const start = await browser.get(`${t.appUrl}/api/whop/auth/login`);
      const consent = await browser.get(start.location!);
      const decision = await browser.post(`${t.sandbox.url}/oauth/authorize/decision`, {
        handle: formField(consent.text, 'handle')!,
        decision: 'approve',
        user_id: 'user_student1',
      });
      // The database goes away between Whop's consent and the callback.
      await t.runtime.deps.sequelize.close();
      const page = await browser.get(decision.location!);
      expect(page.status).to.equal(500);
      expect(page.headers.get('content-type')).to.contain('text/html');
      expect(page.text).to.contain('Something went wrong on our side');
      expect(page.text).not.to.match(/ConnectionManager|at .*\.ts:\d+/);
      const session = await storedSession(t.runtime, sessionIdOf(browser, t.appUrl)!);
      expect(session?.userId).to.equal(undefined);
      expect(session?.whopTokens).to.equal(undefined);
    } finally {
      await t.close();
    }
  });
});

/**
 * Chronos whose issuer is reached through a proxy that can edit Whop's answers on their way
 * back (a man in the middle, or a bug at the provider): the sandbox serves with the proxy's
 * origin as its issuer, so discovery, tokens, JWKS and userinfo all pass through it.
 */
async function chronosBehindEditingProxy(
  options: { env?: Env; services?: ServiceOverrides; sandbox?: TestSandboxOverrides } = {},
) {
  const proxy = await startCountingProxy('http://127.0.0.1:9');
  const t = await startChronosWithSandbox({
    env: { WHOP_OAUTH_ISSUER: proxy.url, ...options.env },
    services: options.services,
    sandbox: options.sandbox,
  });
  const { createSandbox } = await import('@chronos/whop-sandbox');
  const issuer = await createSandbox({ ...t.sandbox.options, origin: proxy.url });
  const server = http.createServer(issuer.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    t,
    proxy,
    /** Runs the consent flow through the proxy and returns the app's answer to the callback. */
    async callback(browser: TestBrowser, whopUserId: string) {
      const start = await browser.get(`${t.appUrl}/api/whop/auth/login`);
      expect(start.location).to.contain(`${proxy.url}/oauth/authorize`);
      const consent = await browser.get(start.location!);
      const decision = await browser.post(`${proxy.url}/oauth/authorize/decision`, {
        handle: formField(consent.text, 'handle')!,
        decision: 'approve',
        user_id: whopUserId,
      });
      return browser.get(decision.location!);
    },
    async close() {
      await t.close();
      await issuer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
}

type Jws = { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string };

/** Edits the id_token of a token endpoint answer, keeping Whop's signature (or editing it too). */
function editIdToken(edit: (jws: Jws) => void) {
  return (body: string): string => {
    const answer = JSON.parse(body) as { id_token?: string };
    if (!answer.id_token) return body;
    const [header, payload, signature] = answer.id_token.split('.') as [string, string, string];
    const decode = (part: string) =>
      JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const jws: Jws = { header: decode(header), payload: decode(payload), signature };
    edit(jws);
    const encode = (part: Record<string, unknown>) => Buffer.from(JSON.stringify(part)).toString('base64url');
    answer.id_token = `${encode(jws.header)}.${encode(jws.payload)}.${jws.signature}`;
    return JSON.stringify(answer);
  };
}

function onRequest(routes: Record<string, (body: string) => string>) {
  return (request: string, body: string) => {
    const route = Object.keys(routes).find((r) => request.startsWith(r));
    return route ? routes[route]!(body) : body;
  };
}

function setUserInfoSub(sub: string) {
  return (body: string) => JSON.stringify({ ...(JSON.parse(body) as object), sub });
}

describe('Sign in with Whop: the id_token and userinfo are checked, not trusted', () => {
  let m: Awaited<ReturnType<typeof chronosBehindEditingProxy>>;
  before(async () => (m = await chronosBehindEditingProxy()));
  after(() => m.close());
  afterEach(() => (m.proxy.rewrite = undefined));

  async function expectRefused(browser: TestBrowser, page: { status: number; text: string }, message: string) {
    expect(page.status).to.equal(400);
    expect(page.text).to.contain(message);
    expect(page.text).not.to.match(/at .*\.ts:\d+/);
    expect((await browser.get(`${m.t.appUrl}/api/me`)).status).to.equal(401);
  }

  it('signs a user in when Whop’s answers arrive untouched (through the same proxy)', async () => {
    const browser = new TestBrowser();
    const page = await m.callback(browser, 'user_student1');
    expect(page.status).to.equal(302);
    expect(JSON.parse((await browser.get(`${m.t.appUrl}/api/me`)).text).user.id).to.equal('user_student1');
  });

  it('refuses an id_token whose subject was edited after Whop signed it, even when userinfo agrees', async () => {
    m.proxy.rewrite = onRequest({
      'POST /oauth/token': editIdToken((jws) => (jws.payload.sub = 'user_admin')),
      'GET /oauth/userinfo': setUserInfoSub('user_admin'),
    });
    const adminBefore = await m.t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_admin' } });
    const browser = new TestBrowser();
    await expectRefused(browser, await m.callback(browser, 'user_student1'), 'could not be verified');
    const adminAfter = await m.t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_admin' } });
    expect(adminAfter?.lastLoginAt?.getTime()).to.equal(adminBefore?.lastLoginAt?.getTime());
  });

  it('refuses an id_token with a broken signature', async () => {
    m.proxy.rewrite = onRequest({
      'POST /oauth/token': editIdToken((jws) => {
        const bytes = Buffer.from(jws.signature, 'base64url');
        bytes[10] = bytes[10]! ^ 0xff;
        jws.signature = bytes.toString('base64url');
      }),
    });
    const browser = new TestBrowser();
    await expectRefused(browser, await m.callback(browser, 'user_student1'), 'could not be verified');
  });

  it('refuses an id_token whose header names another algorithm (unsigned "none")', async () => {
    m.proxy.rewrite = onRequest({
      'POST /oauth/token': editIdToken((jws) => {
        jws.header.alg = 'none';
        jws.signature = '';
      }),
    });
    const browser = new TestBrowser();
    await expectRefused(browser, await m.callback(browser, 'user_student1'), 'could not be verified');
  });

  it('refuses the sign-in with a message when userinfo names another user than the id_token', async () => {
    m.proxy.rewrite = onRequest({ 'GET /oauth/userinfo': setUserInfoSub('user_student2') });
    const browser = new TestBrowser();
    await expectRefused(
      browser,
      await m.callback(browser, 'user_student1'),
      'Whop’s answers about who you are do not agree',
    );
  });
});

describe('Sign in with Whop: the id_token algorithm is pinned and its issue time checked', () => {
  it('refuses Whop’s ES256 id_token when WHOP_ID_TOKEN_ALG pins another algorithm', async () => {
    const m = await chronosBehindEditingProxy({ env: { WHOP_ID_TOKEN_ALG: 'RS256' } });
    try {
      const browser = new TestBrowser();
      const page = await m.callback(browser, 'user_student1');
      expect(page.status).to.equal(400);
      expect(page.text).to.contain('could not be verified');
      expect((await browser.get(`${m.t.appUrl}/api/me`)).status).to.equal(401);
    } finally {
      await m.close();
    }
  });

  it('refuses an id_token issued in the future beyond the clock skew, and accepts one within it', async () => {
    let offsetMs = 0;
    const m = await chronosBehindEditingProxy({ services: { now: () => Date.now() + offsetMs } });
    try {
      // Chronos's clock is 5 minutes behind Whop's: the id_token seems issued 5 minutes from now.
      offsetMs = -5 * 60_000;
      const behind = new TestBrowser();
      const refused = await m.callback(behind, 'user_student1');
      expect(refused.status).to.equal(400);
      expect(refused.text).to.contain('could not be verified');
      expect((await behind.get(`${m.t.appUrl}/api/me`)).status).to.equal(401);
      // 20 seconds behind is ordinary clock skew.
      offsetMs = -20_000;
      const close = new TestBrowser();
      expect((await m.callback(close, 'user_student1')).status).to.equal(302);
    } finally {
      await m.close();
    }
  });
});

describe('Sign in with Whop: client authentication at the token endpoint (WHOP_OAUTH_CLIENT_AUTH)', () => {
  /** The token requests the issuer received, with whether they carried HTTP Basic credentials. */
  function tokenRequests(proxy: CountingProxy) {
    return proxy.requests.flatMap((r, i) =>
      r === 'POST /oauth/token' ? [{ basic: /^Basic /i.test(proxy.headers[i]?.authorization ?? '') }] : [],
    );
  }

  for (const [method, basic] of [
    ['client_secret_post', false],
    ['client_secret_basic', true],
    ['none', false],
  ] as const) {
    it(`signs in with ${method}${method === 'client_secret_post' ? ' (the default)' : ''}`, async () => {
      // The sandbox's app is registered for the same method, as Whop's app settings must match.
      const m = await chronosBehindEditingProxy({
        env: method === 'client_secret_post' ? {} : { WHOP_OAUTH_CLIENT_AUTH: method },
        sandbox: { app: { tokenEndpointAuthMethod: method } },
      });
      try {
        const browser = new TestBrowser();
        expect((await m.callback(browser, 'user_student1')).status).to.equal(302);
        expect(JSON.parse((await browser.get(`${m.t.appUrl}/api/me`)).text).user.id).to.equal('user_student1');
        expect(tokenRequests(m.proxy)).to.deep.equal([{ basic }]);
      } finally {
        await m.close();
      }
    });
  }
});
