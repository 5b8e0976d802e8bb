/**
 * Malformed bodies to every route, as each role: broken JSON, oversized bodies, wrong content
 * types, arrays where objects belong, prototype-pollution keys and Unicode oddities. Every
 * answer is a clear 4xx (a refused rename renders the library again with the error next to
 * the field), never a 5xx; nothing of a refused request is stored; the process keeps answering.
 */
import { expect } from 'chai';
import { SeededRandom, reportSeedOnFailure } from './support/seeded-random.ts';
import { rawRequest, inPool } from './support/raw-http.ts';
import { ALL_ROUTES, LIBRARY_VIDEO_ID, POST_ROUTES, isJsonRoute } from './support/routes.ts';
import {
  ROLES,
  appRequest,
  cookieOf,
  startSecurityCast,
  stateSnapshot,
  stillUp,
  type Actor,
  type Role,
  type SecurityCast,
} from './support/security-fixture.ts';

const SEED = 20_260_503;
const LIMIT = 100 * 1024;

const BROKEN_JSON = [
  '{',
  '{"title":',
  '[1,2',
  "{'single':1}",
  'nul',
  '{"a":1}}',
  '{"a":1,}',
  '\u0000',
  '{"a":"\\x"}',
  '{"a":01}',
];

/** Bodies of the wrong shape for every body-taking route (videos, credits, onboarding): none of them is valid. */
const WRONG_SHAPES: readonly string[] = [
  '[]',
  '[{"title":"t","sizeBytes":1,"durationSeconds":1,"amount":1,"companyId":"biz_creator1"}]',
  '"title"',
  '5',
  'null',
  'true',
  '{"__proto__":{"title":"p","sizeBytes":1,"durationSeconds":1,"amount":5,"companyId":"biz_creator1","polluted":"yes"}}',
  '{"constructor":{"prototype":{"title":"p","sizeBytes":1,"durationSeconds":1,"amount":5,"polluted":"yes"}}}',
  '{"title":["a"],"sizeBytes":1,"durationSeconds":1,"amount":"5","companyId":["biz_creator1"]}',
  '{"title":{"toString":"x"},"sizeBytes":{"valueOf":5},"durationSeconds":[],"amount":{"$gt":0},"companyId":{"$ne":null}}',
  '{"title":"","sizeBytes":-1,"durationSeconds":0,"amount":0,"companyId":""}',
  '{"title":"t","sizeBytes":1e400,"durationSeconds":1.5,"amount":1001,"companyId":"biz_"}',
  '{"title":"t","sizeBytes":"1e999","durationSeconds":"NaN","amount":5.5,"companyId":"biz_creator1 OR 1=1"}',
  '{"title":"t","sizeBytes":99999999999999999999,"durationSeconds":86401,"amount":-5,"companyId":"biz_a/../b"}',
];

const FORM_SHAPES: readonly string[] = [
  'title[]=a&sizeBytes=1&durationSeconds=1&companyId[]=biz_creator1',
  '__proto__[title]=p&__proto__[sizeBytes]=1&__proto__[durationSeconds]=1&__proto__[companyId]=biz_creator1',
  'constructor[prototype][polluted]=yes',
  'title=a&title=b&sizeBytes=1&durationSeconds=1&companyId=biz_creator1&companyId=biz_creator2',
  'title=%00&sizeBytes=%FF&durationSeconds=1&companyId=%E2%80%AEbiz',
  '%%%=%%%&&&==',
  'companyId=biz_creator1%00&title=&sizeBytes=0&durationSeconds=0',
];

/** Valid fields, but sent in an encoding the route does not read. */
const WRONG_CONTENT_TYPES: readonly [string | undefined, string][] = [
  ['text/plain', '{"title":"t","sizeBytes":1,"durationSeconds":1,"amount":5,"companyId":"biz_creator1"}'],
  ['application/xml', '<video><title>t</title><sizeBytes>1</sizeBytes><amount>5</amount></video>'],
  [
    'multipart/form-data; boundary=zz',
    '--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\nt\r\n--zz\r\nContent-Disposition: form-data; name="amount"\r\n\r\n5\r\n--zz--\r\n',
  ],
  ['application/vnd.api+json', '{"title":"t","sizeBytes":1,"durationSeconds":1,"amount":5}'],
  [undefined, '{"title":"t","sizeBytes":1,"durationSeconds":1,"amount":5}'],
  ['application/json; charset=utf-16', '{"title":"t","sizeBytes":1,"durationSeconds":1,"amount":5}'],
  ['application/x-www-form-urlencoded; charset=latin1', 'title=t&sizeBytes=1&durationSeconds=1'],
];

/**
 * The rename form is addressed at a video nobody has: some "wrong shapes" carry a valid title,
 * which must change nothing either (404 after the body is read); the move form at the cast's video.
 */
const RENAME_NOBODYS_VIDEO = '/dashboard/videos/2147483647/title';
const MOVE = `/dashboard/videos/${LIBRARY_VIDEO_ID}/move`;
const BODY_ROUTES = ['/api/ai/credits', RENAME_NOBODYS_VIDEO, MOVE, '/onboarding'] as const;
const isCreator = (role: Role) => role === 'creator' || role === 'creatorPro';

/** What a body-taking route must answer a refused (invalid) body, with a valid CSRF token. */
function refusalFor(role: Role, path: (typeof BODY_ROUTES)[number]): number[] {
  if (role === 'stranger') return isJsonRoute(path) ? [401] : [302];
  if (path === '/onboarding') return [400];
  if (!isCreator(role)) return [403];
  return path === RENAME_NOBODYS_VIDEO ? [404] : [400];
}

describe('malformed bodies to every route', function () {
  this.timeout(120_000);
  let cast: SecurityCast;
  let random: SeededRandom | undefined;
  const snapshot = () => stateSnapshot(cast.t.runtime.deps.sequelize);

  before(async () => {
    cast = await startSecurityCast({
      env: { API_RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
  });
  after(() => cast?.t.close());
  beforeEach(() => {
    random = undefined;
  });
  afterEach(function () {
    if (random) reportSeedOnFailure(this, random, 'malformed bodies');
  });

  it('refuses broken JSON with 400 on every route that reads a body (GET and POST), for every role, before anything runs', async () => {
    const before = await snapshot();
    const jobs = ROLES.flatMap((role) =>
      ALL_ROUTES.flatMap((route) => BROKEN_JSON.map((body) => ({ role, route, body }))),
    );
    const problems: string[] = [];
    await inPool(jobs, 8, async ({ role, route, body }) => {
      const actor = cast.actors[role];
      const answer = await rawRequest(cast.t.appUrl, {
        method: route.method,
        target: route.path,
        headers: [
          ['cookie', cookieOf(cast.t, actor)],
          ['content-type', 'application/json'],
          ...(actor.csrf ? [['x-csrf-token', actor.csrf] as const] : []),
        ],
        body,
      });
      const wanted = route.parsesBody ? answer.status === 400 : answer.status > 0 && answer.status < 500;
      const contentType = answer.headers['content-type']?.[0] ?? '';
      const clear =
        !route.parsesBody ||
        (isJsonRoute(route.path)
          ? contentType.startsWith('application/json') && answer.text.includes('invalid_request')
          : contentType.startsWith('text/html'));
      if (!wanted || !clear)
        problems.push(
          `${role} ${route.method} ${route.path} body ${JSON.stringify(body)} → ${answer.status} ${contentType} ${answer.text.slice(0, 100)}`,
        );
    });
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
    for (const role of ROLES.filter((r) => r !== 'stranger'))
      expect(
        (await appRequest(cast.t, cast.actors[role], 'GET', '/api/me')).status,
        `${role} still signed in`,
      ).to.equal(200);
  });

  it('answers 413 to bodies over 100 kb on every route that reads a body, JSON, form or chunked, for every role', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    const bodies: [string, string, boolean][] = [
      ['application/json', JSON.stringify({ title: 't'.repeat(LIMIT), sizeBytes: 1, durationSeconds: 1 }), false],
      ['application/x-www-form-urlencoded', `title=${'t'.repeat(LIMIT)}&sizeBytes=1&durationSeconds=1`, false],
      ['application/json', JSON.stringify({ pad: 'p'.repeat(2 * 1024 * 1024) }), false],
      ['application/json', JSON.stringify({ pad: 'p'.repeat(LIMIT + 10) }), true],
    ];
    const jobs = ROLES.flatMap((role) =>
      ALL_ROUTES.filter((r) => r.parsesBody).flatMap((route) => bodies.map((body) => ({ role, route, body }))),
    );
    await inPool(jobs, 4, async ({ role, route, body: [contentType, body, chunked] }) => {
      const actor = cast.actors[role];
      const answer = await rawRequest(cast.t.appUrl, {
        method: route.method,
        target: route.path,
        headers: [
          ['cookie', cookieOf(cast.t, actor)],
          ['content-type', contentType],
          ...(actor.csrf ? [['x-csrf-token', actor.csrf] as const] : []),
          ...(chunked ? [['transfer-encoding', 'chunked'] as const] : []),
        ],
        body: chunked ? Buffer.from(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`) : body,
        contentLength: !chunked,
      });
      if (answer.status !== 413)
        problems.push(
          `${role} ${route.method} ${route.path} ${contentType}${chunked ? ' chunked' : ''} ${body.length} B → ${answer.status}`,
        );
    });
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
    expect(await stillUp(cast.t.appUrl)).to.equal(true);
  });

  it('refuses wrong shapes, arrays, prototype-pollution keys and wrong content types with a clear 4xx, and stores nothing', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    const cases: { role: Role; path: (typeof BODY_ROUTES)[number]; contentType: string | undefined; body: string }[] =
      [];
    for (const role of ROLES) {
      for (const path of BODY_ROUTES) {
        for (const body of WRONG_SHAPES) cases.push({ role, path, contentType: 'application/json', body });
        for (const body of FORM_SHAPES)
          cases.push({ role, path, contentType: 'application/x-www-form-urlencoded', body });
        for (const [contentType, body] of WRONG_CONTENT_TYPES) cases.push({ role, path, contentType, body });
      }
    }
    await inPool(cases, 8, async ({ role, path, contentType, body }) => {
      const answer = await appRequest(cast.t, cast.actors[role], 'POST', path, { contentType, body });
      // body-parser's strict JSON reads only objects and arrays: anything else is a 400 before any route.
      const strictRefusal = contentType === 'application/json' && !/^[[{]/.test(body);
      const allowed = strictRefusal ? [400] : refusalFor(role, path);
      // A declared charset body-parser cannot read (415) or that garbles the body (400) is its own clear refusal.
      if (contentType?.includes('charset=utf-16') || contentType?.includes('charset=latin1')) allowed.push(400, 415);
      // The JSON API answers in JSON, and a 400 says `invalid_request`.
      const jsonClear =
        !isJsonRoute(path) ||
        (answer.contentType.startsWith('application/json') &&
          (answer.status !== 400 || answer.text.includes('"error":"invalid_request"')));
      if (!allowed.includes(answer.status) || !jsonClear)
        problems.push(
          `${role} POST ${path} [${contentType ?? 'no content-type'}] ${body.slice(0, 60)} → ${answer.status} ${answer.text.slice(0, 120)}`,
        );
    });
    expect(problems, `${problems.length} of ${cases.length}:\n${problems.slice(0, 20).join('\n')}`).to.deep.equal([]);
    expect(await snapshot(), 'state after refused requests').to.deep.equal(before);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    expect(await stillUp(cast.t.appUrl)).to.equal(true);
  });

  it('refuses every POST without its CSRF token, whatever the body, with 403 (or 400/413 when the body cannot be read)', async () => {
    const rng = (random = new SeededRandom(SEED));
    const before = await snapshot();
    const problems: string[] = [];
    const signedIn = ROLES.filter((r) => r !== 'stranger');
    const jobs = Array.from({ length: 600 }, () => ({
      role: rng.pick(signedIn),
      route: rng.pick(POST_ROUTES),
      contentType: rng.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined]),
      body: rng.pick([
        ...WRONG_SHAPES,
        ...FORM_SHAPES,
        rng.bytes(rng.int(0, 300)).toString('latin1'),
        rng.oddUnicode(rng.int(0, 50)),
      ]),
    }));
    await inPool(jobs, 8, async ({ role, route, contentType, body }, i) => {
      const answer = await appRequest(cast.t, cast.actors[role], 'POST', route.path, {
        contentType,
        body,
        csrf: 'none',
      });
      if (![400, 403].includes(answer.status))
        problems.push(
          `seed ${SEED} #${i} ${role} POST ${route.path} [${contentType}] ${JSON.stringify(body.slice(0, 40))} → ${answer.status}`,
        );
    });
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('takes Unicode oddities in a video title with a 303 or a 400, never a 5xx, stores exactly what it accepted, and escapes it on the page', async () => {
    const creator: Actor = cast.actors.creator;
    const rename = `/dashboard/videos/${LIBRARY_VIDEO_ID}/title`;
    const titles = [
      'a\u0000b',
      '\u0000',
      'x\ud800y',
      '\udfff',
      '\u202egnp.exe',
      '\u200b',
      '\ufeff',
      ' \t\n ',
      '😀'.repeat(100),
      '😀'.repeat(101),
      'e\u0301\u0301\u0301',
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      'line\r\nbreak',
      '\uffff\ufffe',
      'Ａ'.repeat(200),
      '%00%',
      '{{7*7}}<%= 7*7 %>',
    ];
    const problems: string[] = [];
    let accepted = 0;
    const storedTitle = async () => (await cast.t.runtime.deps.models.Video.findByPk(LIBRARY_VIDEO_ID))?.title;
    for (const title of titles) {
      const before = await storedTitle();
      const encoded = new URLSearchParams({ _csrf: creator.csrf, title }).toString();
      const form = await appRequest(cast.t, creator, 'POST', rename, {
        contentType: 'application/x-www-form-urlencoded',
        body: encoded,
        csrf: 'none',
      });
      // What the form carried once UTF-8 encoded (a lone surrogate becomes U+FFFD on the wire), trimmed.
      const sent = (new URLSearchParams(encoded).get('title') ?? '').trim();
      const stored = await storedTitle();
      if (form.status === 303) {
        accepted += 1;
        if (stored !== sent)
          problems.push(
            `rename ${JSON.stringify(title)} → 303 stored ${JSON.stringify(stored)}, sent ${JSON.stringify(sent)}`,
          );
      } else if (form.status === 400) {
        if (stored !== before) problems.push(`rename ${JSON.stringify(title)} → 400 but the title changed`);
        if (!form.text.includes('class="field-error"'))
          problems.push(`rename ${JSON.stringify(title)} → 400 without the error next to the field`);
      } else problems.push(`rename ${JSON.stringify(title)} → ${form.status} ${form.text.slice(0, 160)}`);
      const library = await appRequest(cast.t, creator, 'GET', '/dashboard/videos');
      if (library.status !== 200)
        problems.push(`GET /dashboard/videos after ${JSON.stringify(title)} → ${library.status}`);
      if (library.text.includes('<script>alert(1)</script>') || library.text.includes('<img src=x onerror'))
        problems.push(`GET /dashboard/videos after ${JSON.stringify(title)} shows the title unescaped`);
      const onboarding = await appRequest(cast.t, cast.actors.member, 'POST', '/onboarding', {
        contentType: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({ companyId: `biz_${title}` }).toString(),
      });
      if (onboarding.status !== 400)
        problems.push(`POST /onboarding companyId ${JSON.stringify(`biz_${title}`)} → ${onboarding.status}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(accepted, 'some titles are accepted (positive control)').to.be.greaterThan(3);
    expect(await stillUp(cast.t.appUrl)).to.equal(true);
  });

  it('stores an accepted video title exactly as sent (trimmed), or refuses it: no silent rewriting of NUL or lone surrogates', async () => {
    // The webhook receiver refuses text PostgreSQL cannot keep (SPEC §6); the rename should not quietly change it instead.
    const problems: string[] = [];
    const rename = `/dashboard/videos/${LIBRARY_VIDEO_ID}/title`;
    // JSON escapes as sent on the wire: a NUL, a lone high and a lone low surrogate.
    for (const title of ['a\\u0000b', 'tail\\u0000', 'x\\ud800y', '\\udfffz', 'plain title']) {
      const answer = await appRequest(cast.t, cast.actors.creator, 'POST', rename, {
        contentType: 'application/json',
        body: `{"title":"${title}"}`,
      });
      const sent = (JSON.parse(`"${title}"`) as string).trim();
      if (answer.status === 400) continue;
      const stored = (await cast.t.runtime.deps.models.Video.findByPk(LIBRARY_VIDEO_ID))?.title;
      if (answer.status !== 303 || stored !== sent)
        problems.push(
          `POST ${rename} {"title":"${title}"} → ${answer.status}, stored title ${JSON.stringify(stored)} instead of ${JSON.stringify(sent)}`,
        );
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
