/**
 * CSRF (SPEC §4): every state-changing route refuses a request without the session's own token
 * (no token, a wrong one, another session's, one in the wrong place) with 403 and changes
 * nothing in the database or the session; the same request with the right token does change
 * state, which proves each refusal was the token's doing. Also: logout is not reachable by GET,
 * and a sign-in callback started in another browser is refused (login CSRF).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser, formField } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { csrfOf, eventStatus, insertDeadEvent, stateSnapshot } from './support/security-fixture.ts';
import { onboard } from '../support/onboarding.ts';
import { insertVideo } from '../support/videos.ts';

const DEAD_EVENT = 'evt_csrf_dead_event';

/** The creator's videos the library routes act on (`:renamed`, `:moved`, `:deleted` in their paths). */
const videoIds: Record<string, number> = {};
const pathOf = (route: { path: string }) => route.path.replace(/:(\w+)/, (_m, name: string) => String(videoIds[name]));

interface Session {
  browser: TestBrowser;
  csrf: string;
}

interface StateChangingRoute {
  path: string;
  kind: 'json' | 'form';
  who: 'creator' | 'pending' | 'admin';
  fields: Record<string, string | number>;
  /** What a successful request changes (read before and after). */
  changed(t: ChronosWithSandbox): Promise<unknown>;
}

const ROUTES: StateChangingRoute[] = [
  {
    path: '/onboarding',
    kind: 'form',
    who: 'pending',
    fields: { companyId: 'biz_creator2' },
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).creators,
  },
  {
    path: '/dashboard/videos/:renamed/title',
    kind: 'form',
    who: 'creator',
    fields: { title: 'csrf renamed video' },
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).video_rows,
  },
  {
    path: '/dashboard/videos/:moved/move',
    kind: 'form',
    who: 'creator',
    fields: { direction: 'down' },
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).video_rows,
  },
  {
    path: '/dashboard/videos/:deleted/delete',
    kind: 'form',
    who: 'creator',
    fields: {},
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).video_rows,
  },
  {
    path: '/api/ai/credits',
    kind: 'json',
    who: 'creator',
    fields: { amount: 7 },
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).ai_credits,
  },
  {
    path: `/admin/webhooks/${DEAD_EVENT}/replay`,
    kind: 'form',
    who: 'admin',
    fields: {},
    changed: (t) => eventStatus(t.runtime.deps.sequelize, DEAD_EVENT),
  },
  {
    path: '/admin/reconciliation',
    kind: 'form',
    who: 'admin',
    fields: {},
    changed: async (t) => (await stateSnapshot(t.runtime.deps.sequelize)).reconciliation_runs,
  },
  { path: '/api/whop/auth/logout', kind: 'form', who: 'creator', fields: {}, changed: async () => undefined },
];

/** Where a token goes in an attack: header values (repeated names are joined by fetch as a browser would), body field, query. */
interface Placement {
  name: string;
  header?: string[];
  field?: string | string[];
  query?: string;
  origin?: string;
}

function attacks(own: string, foreign: string, sibling: string): Placement[] {
  const wrong = randomBytes(32).toString('base64url');
  return [
    { name: 'no token' },
    { name: 'an empty header', header: [''] },
    { name: 'an empty field', field: '' },
    { name: 'a wrong token in the header', header: [wrong] },
    { name: 'a wrong token in the field', field: wrong },
    { name: "another user's session token in the header", header: [foreign] },
    { name: "another user's session token in the field", field: foreign },
    { name: "the same user's other session's token", header: [sibling] },
    { name: 'the right token in the query string only', query: own },
    { name: 'the right token with a trailing space (field)', field: `${own} ` },
    { name: 'the right token upper-cased', header: [own.toUpperCase()] },
    { name: 'the right token less its last character', header: [own.slice(0, -1)] },
    { name: 'the right token plus one character', header: [`${own}A`] },
    { name: 'the right and a wrong token as two headers', header: [own, wrong] },
    { name: 'the right and a wrong token as two fields', field: [own, wrong] },
    { name: 'a cross-site Origin and no token', origin: 'https://evil.example' },
  ];
}

async function send(
  t: ChronosWithSandbox,
  session: Session,
  route: StateChangingRoute,
  placement: Placement,
): Promise<number> {
  const headers = new Headers({ cookie: session.browser.cookieHeader(t.appUrl) });
  for (const value of placement.header ?? []) headers.append('x-csrf-token', value);
  if (placement.origin) headers.set('origin', placement.origin);
  const fieldValues =
    placement.field === undefined ? [] : Array.isArray(placement.field) ? placement.field : [placement.field];
  let body: string;
  if (route.kind === 'json') {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(
      fieldValues.length === 0
        ? route.fields
        : { ...route.fields, _csrf: fieldValues.length === 1 ? fieldValues[0] : fieldValues },
    );
  } else {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(Object.entries(route.fields).map(([k, v]): [string, string] => [k, String(v)]));
    for (const value of fieldValues) form.append('_csrf', value);
    body = form.toString();
  }
  const query = placement.query === undefined ? '' : `?_csrf=${encodeURIComponent(placement.query)}`;
  const response = await fetch(`${t.appUrl}${pathOf(route)}${query}`, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
  });
  await response.arrayBuffer();
  return response.status;
}

describe('CSRF protection of every state-changing route', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  const sessions = {} as Record<'creator' | 'creatorSecond' | 'pending' | 'admin' | 'student', Session>;

  before(async () => {
    t = await startChronosWithSandbox();
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
    const signIn = async (whopUserId: string): Promise<Session> => {
      const browser = await t.signIn(whopUserId);
      return { browser, csrf: await csrfOf(t, browser) };
    };
    sessions.creator = await signIn('user_creator_free');
    await onboard(t, sessions.creator.browser, 'biz_creator1');
    sessions.creatorSecond = await signIn('user_creator_free');
    sessions.pending = await signIn('user_creator_pro');
    sessions.admin = await signIn('user_admin');
    sessions.student = await signIn('user_student1');
    await insertDeadEvent(t.runtime.deps.sequelize, DEAD_EVENT, 'biz_creator1');
    const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    for (const name of ['renamed', 'moved', 'deleted'])
      videoIds[name] = await insertVideo(t.runtime.deps.sequelize, creator!.id, { title: `csrf ${name}` });
  });
  after(() => t?.close());

  it('refuses every forged or missing token on every state-changing route with 403 and changes nothing', async () => {
    const before = await stateSnapshot(t.runtime.deps.sequelize);
    const problems: string[] = [];
    for (const route of ROUTES) {
      const session = sessions[route.who];
      for (const placement of attacks(session.csrf, sessions.student.csrf, sessions.creatorSecond.csrf)) {
        const status = await send(t, session, route, placement);
        if (status !== 403) problems.push(`POST ${route.path} as ${route.who} with ${placement.name} → ${status}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(await stateSnapshot(t.runtime.deps.sequelize), 'database after the refused requests').to.deep.equal(before);
    expect(await eventStatus(t.runtime.deps.sequelize, DEAD_EVENT)).to.equal('dead');
    for (const name of ['creator', 'creatorSecond', 'pending', 'admin', 'student'] as const) {
      expect((await sessions[name].browser.get(`${t.appUrl}/api/me`)).status, `${name} still signed in`).to.equal(200);
    }
  });

  it('accepts the same requests with the session’s own token, so each refusal above was the token’s doing', async () => {
    const problems: string[] = [];
    for (const route of ROUTES.filter((r) => !r.path.endsWith('/logout'))) {
      const session = sessions[route.who];
      const before = await route.changed(t);
      const status = await send(
        t,
        session,
        route,
        route.kind === 'json'
          ? { name: 'own token', header: [session.csrf] }
          : { name: 'own token', field: session.csrf },
      );
      const after = await route.changed(t);
      if (status >= 400 || after === before)
        problems.push(
          `POST ${route.path} with the right token → ${status}, ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
        );
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    const logout = await send(
      t,
      sessions.creatorSecond,
      ROUTES.find((r) => r.path.endsWith('/logout'))!,
      { name: 'own token', field: sessions.creatorSecond.csrf },
    );
    expect(logout).to.equal(302);
    expect((await sessions.creatorSecond.browser.get(`${t.appUrl}/api/me`)).status).to.equal(401);
    expect(
      (await sessions.creator.browser.get(`${t.appUrl}/api/me`)).status,
      'the other session of that user lives on',
    ).to.equal(200);
  });

  it('does not sign out on a GET to the logout URL (an <img> cannot end a session)', async () => {
    const response = await sessions.student.browser.get(`${t.appUrl}/api/whop/auth/logout`);
    expect(response.status).to.be.within(400, 499);
    expect((await sessions.student.browser.get(`${t.appUrl}/api/me`)).status).to.equal(200);
  });

  it('refuses a sign-in callback that was started in another browser (no login CSRF), and the victim stays who they were', async () => {
    const attacker = new TestBrowser();
    const start = await attacker.get(`${t.appUrl}/api/whop/auth/login`);
    const consent = await attacker.get(start.location!);
    const decision = await attacker.post(`${t.sandbox.url}/oauth/authorize/decision`, {
      handle: formField(consent.text, 'handle')!,
      decision: 'approve',
      user_id: 'user_student2',
    });
    const victim = sessions.student.browser;
    const planted = await victim.get(decision.location!);
    expect(planted.status).to.equal(400);
    const me = JSON.parse((await victim.get(`${t.appUrl}/api/me`)).text) as { user: { id: string } };
    expect(me.user.id).to.equal('user_student1');
    const stranger = new TestBrowser();
    expect((await stranger.get(decision.location!)).status).to.equal(400);
    expect((await stranger.get(`${t.appUrl}/api/me`)).status).to.equal(401);
  });
});
