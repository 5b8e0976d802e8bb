/**
 * Hostile URLs and methods: very long and repeated query strings, prototype keys in the query,
 * path traversal under /static (and elsewhere), odd methods on every route, and `returnTo`
 * values that try to send a signed-in user off-site. No 5xx, nothing leaked, nothing changed.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rawRequest, inPool } from './support/raw-http.ts';
import { ALL_ROUTES } from './support/routes.ts';
import {
  ROLES,
  cookieOf,
  startSecurityCast,
  stateSnapshot,
  stillUp,
  type SecurityCast,
} from './support/security-fixture.ts';
import { TestBrowser, formField } from '../support/test-browser.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
const APP_CSS = readFileSync(`${PUBLIC_DIR}css/app.css`, 'utf8');

/** Text that must never be served: the project's own files and configuration. */
const LEAK_MARKERS = [
  '"name": "chronos"',
  'loadConfig',
  'SESSION_SECRET',
  'sessionSecret',
  'root:x:0:0',
  'CREATE TABLE',
  '"compilerOptions"',
];

const TRAVERSALS = [
  '/static/../package.json',
  '/static/..%2fpackage.json',
  '/static/%2e%2e/package.json',
  '/static/%2e%2e%2f%2e%2e%2fpackage.json',
  '/static/css/../../package.json',
  '/static/css/..%2f..%2fsrc%2fconfig.ts',
  '/static/..\\..\\package.json',
  '/static/..%5c..%5cpackage.json',
  '/static/....//....//package.json',
  '/static/%252e%252e/package.json',
  '/static/%c0%ae%c0%ae/package.json',
  '/static/%00',
  '/static/css/app.css%00.png',
  '/static//etc/passwd',
  '/static/../../../../../../etc/passwd',
  '/static/../var/secrets.json',
  '/static/../migrations/20261128-0001-create-users.ts',
  '/static/../tsconfig.json',
  '/static/.env',
  '/static/css/',
  '/static',
  '/static/css/../css/app.css',
  '/../package.json',
  '/%2e%2e/package.json',
  '/views/layout.ejs',
  '/src/config.ts',
  '/node_modules/express/package.json',
  '/.git/config',
];

const ODD_METHODS = [
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'HEAD',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'SEARCH',
  'PURGE',
  'M-SEARCH',
  'FOO',
  'get',
];

describe('hostile URLs, query strings and methods', function () {
  this.timeout(120_000);
  let cast: SecurityCast;
  const snapshot = () => stateSnapshot(cast.t.runtime.deps.sequelize);

  before(async () => {
    cast = await startSecurityCast({
      env: { API_RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
  });
  after(() => cast?.t.close());

  it('answers very long, repeated and prototype-keyed query strings on every GET route without a 5xx, and a request line over the header limit with 431', async () => {
    const queries = [
      'page=1&page=2',
      'page[]=1&page=2&sort=videos&sort=tier&dir[]=asc&dir=desc',
      'returnTo[]=x&returnTo=/dashboard&returnTo=//evil.example',
      'returnTo[returnTo]=x&state[]=a&code=1&code=2',
      '__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__.polluted=yes',
      'page=-1',
      'page=0',
      'page=1e3',
      'page=99999999999999999999',
      'page=0x10',
      'page=%00',
      'page=%FF',
      'page=%F0%9F%98%80',
      'sort=created;DROP TABLE creators&dir=asc--',
      `q=${'x'.repeat(12_000)}`,
      Array.from({ length: 1_000 }, (_, i) => `p${i}=${i}`).join('&'),
      '&&&&====&&&&',
      '%',
    ];
    const problems: string[] = [];
    const jobs = ROLES.flatMap((role) =>
      ALL_ROUTES.filter((r) => r.method === 'GET').flatMap((route) => queries.map((query) => ({ role, route, query }))),
    );
    await inPool(jobs, 8, async ({ role, route, query }) => {
      const answer = await rawRequest(cast.t.appUrl, {
        method: 'GET',
        target: `${route.path}?${query}`,
        headers: [['cookie', cookieOf(cast.t, cast.actors[role])]],
      });
      if (answer.status === 0 || answer.status >= 500)
        problems.push(
          `${role} GET ${route.path}?${query.slice(0, 60)} → ${answer.status} ${answer.text.slice(0, 100)}`,
        );
      const location = answer.headers.location?.[0];
      if (location && /^(https?:)?\/\/evil/.test(location))
        problems.push(`${role} GET ${route.path}?${query.slice(0, 60)} redirected off-site to ${location}`);
    });
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    const tooLong = await rawRequest(cast.t.appUrl, {
      method: 'GET',
      target: `/dashboard?q=${'x'.repeat(20_000)}`,
      headers: [['cookie', cookieOf(cast.t, cast.actors.creator)]],
    });
    expect(tooLong.status).to.equal(431);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    // Repeated parameters fall back to the first page, not an error.
    const dashboard = await rawRequest(cast.t.appUrl, {
      method: 'GET',
      target: '/dashboard?page=1&page=2',
      headers: [['cookie', cookieOf(cast.t, cast.actors.creator)]],
    });
    expect(dashboard.status).to.equal(200);
    const tiers = await rawRequest(cast.t.appUrl, {
      method: 'GET',
      target: '/admin/tiers?page=1&page=2&sort[]=x',
      headers: [['cookie', cookieOf(cast.t, cast.actors.admin)]],
    });
    expect(tiers.status).to.equal(200);
  });

  it('never serves a file outside public/ through /static, whatever the traversal, and answers a 4xx (never a 5xx)', async () => {
    const problems: string[] = [];
    for (const target of TRAVERSALS) {
      for (const role of ['stranger', 'admin'] as const) {
        const answer = await rawRequest(cast.t.appUrl, {
          method: 'GET',
          target,
          headers: [['cookie', cookieOf(cast.t, cast.actors[role])]],
        });
        const leaked = LEAK_MARKERS.filter((marker) => answer.text.includes(marker));
        const servedCss = answer.status === 200 && answer.text === APP_CSS;
        if (leaked.length > 0) problems.push(`${role} GET ${target} → ${answer.status} leaked ${leaked.join(', ')}`);
        else if (answer.status === 0 || answer.status >= 500) problems.push(`${role} GET ${target} → ${answer.status}`);
        else if (answer.status === 200 && !servedCss && target.startsWith('/static/'))
          problems.push(`${role} GET ${target} → 200 with ${answer.text.slice(0, 80)}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('answers odd methods on every route, for every role, with a 4xx, an empty 2xx (OPTIONS/HEAD) or, for strangers, the way to /login; never a 5xx, and changes nothing', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    const jobs = ROLES.flatMap((role) =>
      ALL_ROUTES.flatMap((route) => ODD_METHODS.map((method) => ({ role, route, method }))),
    );
    await inPool(jobs, 8, async ({ role, route, method }) => {
      const actor = cast.actors[role];
      // With the CSRF token too, so the method itself (not the missing token) is what is refused.
      const answer = await rawRequest(cast.t.appUrl, {
        method,
        target: route.path,
        headers: [['cookie', cookieOf(cast.t, actor)], ...(actor.csrf ? [['x-csrf-token', actor.csrf] as const] : [])],
        body: '{}',
      });
      // Strangers meet the sign-in guard first (SPEC §4: pages redirect to /login).
      const toLogin =
        role === 'stranger' && answer.status === 302 && answer.headers.location?.[0]?.startsWith('/login') === true;
      const ok =
        toLogin ||
        (answer.status >= 400 ? answer.status < 500 : (method === 'OPTIONS' || method === 'HEAD') && answer.status > 0);
      if (!ok) problems.push(`${role} ${method} ${route.path} → ${answer.status} ${answer.text.slice(0, 100)}`);
    });
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
    for (const role of ROLES.filter((r) => r !== 'stranger')) {
      const me = await rawRequest(cast.t.appUrl, {
        method: 'GET',
        target: '/api/me',
        headers: [['cookie', cookieOf(cast.t, cast.actors[role])]],
      });
      expect(me.status, `${role} still signed in`).to.equal(200);
    }
    const connect = await rawRequest(cast.t.appUrl, { method: 'CONNECT', target: 'evil.example:443' });
    expect(
      connect.status === 0 || (connect.status >= 400 && connect.status < 500),
      `CONNECT → ${connect.status}`,
    ).to.equal(true);
    expect(await stillUp(cast.t.appUrl)).to.equal(true);
  });

  it('never sends a user off-site after sign-in, whatever returnTo says', async () => {
    const hostile = [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      'https://evil.example',
      'http:evil.example',
      'javascript:alert(1)',
      '/%2F%2Fevil.example',
      '/%2f/evil.example',
      '/%5Cevil.example',
      '%2F%2Fevil.example',
      '/%252F%252Fevil.example',
      '/%09/evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/ /evil.example',
      '/.//evil.example',
      '/..//evil.example',
      '/%2e//evil.example',
      '/a/..//evil.example',
      '/dashboard\r\nSet-Cookie: x=y',
      `/${'a'.repeat(600)}`,
      '/@evil.example',
      '/dashboard@evil.example',
      '/?next=//evil.example',
      '/#//evil.example',
    ];
    const origin = new URL(cast.t.appUrl).origin;
    const problems: string[] = [];
    for (const returnTo of hostile) {
      const browser = new TestBrowser();
      const start = await browser.get(`${cast.t.appUrl}/api/whop/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
      if (start.status !== 302 || !start.location) {
        problems.push(`login with returnTo ${JSON.stringify(returnTo)} → ${start.status}`);
        continue;
      }
      const consent = await browser.get(start.location);
      const decision = await browser.post(`${cast.t.sandbox.url}/oauth/authorize/decision`, {
        handle: formField(consent.text, 'handle') ?? '',
        decision: 'approve',
        user_id: 'user_student2',
      });
      const callback = await browser.get(decision.location!);
      const raw = callback.headers.get('location') ?? '';
      // What a browser makes of the Location header (WHATWG URL: `/\host` is `//host`).
      const target = callback.location ? new URL(callback.location) : undefined;
      if (callback.status !== 302 || !target || target.origin !== origin || raw.startsWith('//') || /[\r\n]/.test(raw))
        problems.push(`returnTo ${JSON.stringify(returnTo)} → ${callback.status} Location ${JSON.stringify(raw)}`);
      if (callback.headers.getSetCookie().some((c) => c.startsWith('x=')))
        problems.push(`returnTo ${JSON.stringify(returnTo)} set a cookie of the attacker's choosing`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
