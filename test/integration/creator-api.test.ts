/**
 * The creator API (`/api/v1`) over real HTTP with a real database: Bearer tokens only, each
 * endpoint's data scoped to the token's creator, cursor pages, the write scope, every refusal
 * with its own code in one JSON shape, the tier boundary (a downgrade stops the token, an
 * upgrade restarts it), and every answer checked against the served OpenAPI 3.1 document.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { insertVideo } from '../support/videos.ts';
import { movableClock } from '../support/test-clock.ts';
import { runRedisPrefix, startTestApp, type TestApp } from '../support/test-runtime.ts';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openApiContract, validateOpenApiDocument, type OpenApiContract } from '../support/openapi-contract.ts';
import type { Tier } from '../../src/domain/tier-table.ts';
import type { TokenScope } from '../../src/services/api-tokens/api-token-service.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('the creator API (/api/v1)', () => {
  const clock = movableClock();
  let t: ChronosWithSandbox;
  let contract: OpenApiContract;

  before(async () => {
    t = await startChronosWithSandbox({ services: { now: clock.now } });
    const document = (await (await fetch(`${t.appUrl}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
    contract = openApiContract(document);
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  const factories = () => makeFactories(t.runtime.deps.models);

  async function creatorOn(tier: Tier): Promise<number> {
    return (await factories().creator({ tier })).id;
  }

  async function tokenOf(creatorId: number, scope: TokenScope = 'read', name = 'Script'): Promise<string> {
    return (await t.runtime.deps.services.apiTokens.create(creatorId, { name, scope })).token;
  }

  /** One API call; its answer is checked against the OpenAPI document. */
  async function api(path: string, token: string | undefined, init: RequestInit = {}): Promise<Answer> {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(`${t.appUrl}/api/v1${path}`, { ...init, headers });
    const body = (await response.json()) as Record<string, unknown>;
    contract.check(init.method ?? 'GET', `/api/v1${path}`, response.status, body);
    return { status: response.status, headers: response.headers, body };
  }

  const patchTitle = (id: number, token: string, title: unknown) =>
    api(`/videos/${id}`, token, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });

  const titleOf = async (id: number) => (await t.runtime.deps.models.Video.findByPk(id))!.title;

  describe('the OpenAPI document', () => {
    it('is served without a token and is a valid OpenAPI 3.1 document', async () => {
      const response = await fetch(`${t.appUrl}/api/v1/openapi.json`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      const document = (await response.json()) as { openapi: string; servers: { url: string }[] };
      const result = await validateOpenApiDocument(document);
      expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
      expect(result.valid).to.equal(true);
      expect(result.version).to.equal('3.1');
      expect(document.servers[0]!.url).to.equal(`${t.appUrl}/api/v1`);
    });

    it('is refused by the validator when broken, so the check above means something', async () => {
      const document = (await (await fetch(`${t.appUrl}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: unknown }>>;
      };
      document.paths['/me']!.get!.responses = 'none';
      expect((await validateOpenApiDocument(document)).valid).to.equal(false);
    });
  });

  describe('reads', () => {
    it('GET /me names the creator and the token, never the secret, with Cache-Control: no-store', async () => {
      const creatorId = await creatorOn('pro');
      const token = await tokenOf(creatorId, 'read', 'Reporting');
      const answer = await api('/me', token);
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.body.creator).to.include({ id: creatorId, tier: 'pro' });
      expect(answer.body.token).to.include({ name: 'Reporting', scope: 'read', prefix: token.slice(0, 12) });
      expect(JSON.stringify(answer.body)).not.to.contain(token);
    });

    it('GET /videos pages by cursor through the creator’s videos only, lowest id first', async () => {
      const creatorId = await creatorOn('pro');
      const other = await creatorOn('pro');
      const sequelize = t.runtime.deps.sequelize;
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(await insertVideo(sequelize, creatorId, { title: `V${i}` }));
      await insertVideo(sequelize, other, { title: 'Not yours' });
      const token = await tokenOf(creatorId);
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const answer = await api(`/videos${query}`, token);
        expect(answer.status).to.equal(200);
        const data = answer.body.data as { id: number; title: string }[];
        expect(data.length).to.be.at.most(2);
        seen.push(...data.map((v) => v.id));
        cursor = answer.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).to.deep.equal(ids);
      expect(pages).to.equal(3);
      const all = await api('/videos', token);
      expect((all.body.data as unknown[]).length).to.equal(5);
      expect(all.body.nextCursor).to.equal(null);
    });

    it('GET /videos/{id} answers the creator’s video and 404 for another creator’s or a bad id', async () => {
      const creatorId = await creatorOn('pro');
      const other = await creatorOn('pro');
      const mine = await insertVideo(t.runtime.deps.sequelize, creatorId, { title: 'Intro', durationSeconds: 12 });
      const theirs = await insertVideo(t.runtime.deps.sequelize, other, { title: 'Theirs' });
      const token = await tokenOf(creatorId);
      const answer = await api(`/videos/${mine}`, token);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ id: mine, title: 'Intro', status: 'ready', durationSeconds: 12 });
      for (const id of [String(theirs), 'abc', '0', '99999999999']) {
        const refused = await api(`/videos/${id}`, token);
        expect(refused.status, id).to.equal(404);
        expect(refused.body.error).to.equal('not_found');
      }
    });

    it('GET /courses gives the creator’s courses with modules and lessons in order, by cursor, a deleted video as null', async () => {
      const creatorId = await creatorOn('pro');
      const other = await creatorOn('pro');
      const sequelize = t.runtime.deps.sequelize;
      const editor = t.runtime.deps.services.courseEditor;
      const intro = await insertVideo(sequelize, creatorId, { title: 'Intro', durationSeconds: 30 });
      const gone = await insertVideo(sequelize, creatorId, { title: 'Gone' });
      const first = await editor.create(creatorId, 'Course one');
      const moduleA = await editor.addModule({ creatorId, courseId: first, version: 1 }, 'Start here');
      const moduleB = await editor.addModule({ creatorId, courseId: first, version: 2 }, 'Then this');
      await editor.addLesson({ creatorId, courseId: first, version: 3 }, moduleA, {
        title: 'Welcome',
        body: 'Read me',
        videoId: intro,
      });
      await editor.addLesson({ creatorId, courseId: first, version: 4 }, moduleB, {
        title: 'Old',
        body: '',
        videoId: gone,
      });
      await editor.setStatus({ creatorId, courseId: first, version: 5 }, 'published');
      await sequelize.query('DELETE FROM videos WHERE id = :gone', { replacements: { gone } });
      const second = await editor.create(creatorId, 'Course two');
      await editor.create(other, 'Not yours');
      const token = await tokenOf(creatorId);

      const page1 = await api('/courses?limit=1', token);
      expect(page1.status).to.equal(200);
      const [course] = page1.body.data as {
        id: number;
        title: string;
        status: string;
        modules: { title: string; position: number; lessons: { title: string; body: string; video: unknown }[] }[];
      }[];
      expect(course).to.include({ id: first, title: 'Course one', status: 'published' });
      expect(course!.modules.map((m) => [m.title, m.position])).to.deep.equal([
        ['Start here', 1],
        ['Then this', 2],
      ]);
      expect(course!.modules[0]!.lessons[0]).to.deep.include({ title: 'Welcome', body: 'Read me' });
      expect(course!.modules[0]!.lessons[0]!.video).to.deep.include({ id: intro, title: 'Intro', durationSeconds: 30 });
      expect(course!.modules[1]!.lessons[0]!.video).to.equal(null);
      const page2 = await api(`/courses?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor as string)}`, token);
      expect((page2.body.data as { id: number; status: string }[]).map((c) => [c.id, c.status])).to.deep.equal([
        [second, 'draft'],
      ]);
      expect(page2.body.nextCursor).to.equal(null);
      const crossed = await api(`/videos?cursor=${encodeURIComponent(page1.body.nextCursor as string)}`, token);
      expect(crossed.status).to.equal(400);
      expect(crossed.body.message).to.contain('another list (courses)');
    });

    it('GET /students lists status, joined and progress (ready videos watched to 90 %)', async () => {
      const creatorId = await creatorOn('pro');
      const sequelize = t.runtime.deps.sequelize;
      const watcher = await factories().user({ whopUserId: 'user_watcher' });
      const ready1 = await insertVideo(sequelize, creatorId);
      const ready2 = await insertVideo(sequelize, creatorId);
      const failed = await insertVideo(sequelize, creatorId, { status: 'failed' });
      for (const [videoId, completed] of [
        [ready1, true],
        [ready2, false],
        [failed, true],
      ] as const)
        await sequelize.query(
          `INSERT INTO watch_progress (user_id, video_id, position_seconds, watched_seconds, last_saved_at, completed_at)
           VALUES (:userId, :videoId, 10, 10, now(), ${completed ? 'now()' : 'NULL'})`,
          { replacements: { userId: watcher.id, videoId } },
        );
      await sequelize.query(
        `INSERT INTO students (creator_id, whop_user_id, username, status, joined_at) VALUES
           (:creatorId, 'user_watcher', 'watcher', 'active', '2026-11-02T10:00:00Z'),
           (:creatorId, 'user_gone', NULL, 'inactive', '2026-10-01T10:00:00Z')`,
        { replacements: { creatorId } },
      );
      const answer = await api('/students?limit=1', await tokenOf(creatorId));
      expect(answer.status).to.equal(200);
      expect(answer.body.data).to.deep.equal([
        {
          id: (answer.body.data as { id: number }[])[0]!.id,
          whopUserId: 'user_watcher',
          username: 'watcher',
          status: 'active',
          joinedAt: '2026-11-02T10:00:00.000Z',
          progress: { completedVideos: 1, totalVideos: 2 },
        },
      ]);
      const next = await api(`/students?limit=1&cursor=${answer.body.nextCursor as string}`, await tokenOf(creatorId));
      expect(next.body.data).to.have.length(1);
      expect((next.body.data as { status: string; progress: unknown }[])[0]).to.include({ status: 'inactive' });
      expect(next.body.nextCursor).to.equal(null);
    });

    it('GET /usage counts this month’s usage against the tier’s limits (null: unlimited)', async () => {
      const creatorId = await creatorOn('enterprise');
      await insertVideo(t.runtime.deps.sequelize, creatorId, { sizeBytes: 5000 });
      await t.runtime.deps.services.usage.spendAiCredits(creatorId, 'enterprise', 7);
      const answer = await api('/usage', await tokenOf(creatorId));
      expect(answer.status).to.equal(200);
      expect(answer.body.tier).to.equal('enterprise');
      expect(answer.body.usage).to.deep.equal({ videos: 1, storageBytes: 5000, aiCredits: 7, students: 0 });
      expect(answer.body.limits).to.deep.equal({ videos: null, storageBytes: null, aiCredits: null, students: null });
    });
  });

  describe('writes', () => {
    it('PATCH /videos/{id} needs the write scope: a read-only token gets 403 and changes nothing', async () => {
      const creatorId = await creatorOn('pro');
      const id = await insertVideo(t.runtime.deps.sequelize, creatorId, { title: 'Old' });
      const refused = await patchTitle(id, await tokenOf(creatorId, 'read'), 'New');
      expect(refused.status).to.equal(403);
      expect(refused.body.error).to.equal('insufficient_scope');
      expect(refused.headers.get('www-authenticate')).to.contain('insufficient_scope');
      expect(await titleOf(id)).to.equal('Old');

      const writer = await tokenOf(creatorId, 'write');
      const renamed = await patchTitle(id, writer, '  New title  ');
      expect(renamed.status).to.equal(200);
      expect(renamed.body).to.include({ id, title: 'New title' });
      expect(await titleOf(id)).to.equal('New title');
    });

    it('refuses a bad title or another creator’s video and changes nothing', async () => {
      const creatorId = await creatorOn('pro');
      const other = await creatorOn('pro');
      const id = await insertVideo(t.runtime.deps.sequelize, creatorId, { title: 'Keep' });
      const theirs = await insertVideo(t.runtime.deps.sequelize, other, { title: 'Theirs' });
      const writer = await tokenOf(creatorId, 'write');
      for (const title of ['', 'x'.repeat(201), 42, 'bad\u0000']) {
        const refused = await patchTitle(id, writer, title);
        expect(refused.status, String(title)).to.equal(400);
        expect(refused.body.error).to.equal('invalid_request');
      }
      expect(await titleOf(id)).to.equal('Keep');
      expect((await patchTitle(theirs, writer, 'Mine now')).status).to.equal(404);
      expect(await titleOf(theirs)).to.equal('Theirs');
    });
  });

  describe('refusals, each with its own code', () => {
    it('no header, a malformed header or token, an unknown and a revoked token: 401 with a Bearer challenge', async () => {
      const creatorId = await creatorOn('pro');
      const token = await tokenOf(creatorId);
      const cases: [string | undefined, string][] = [
        [undefined, 'missing_token'],
        ['chr_short', 'malformed_token'],
        [`${token}x`, 'malformed_token'],
        [`chr_${'A'.repeat(43)}`, 'invalid_token'],
      ];
      for (const [presented, code] of cases) {
        const answer = await api('/me', presented);
        expect(answer.status, code).to.equal(401);
        expect(answer.body.error, String(presented)).to.equal(code);
        expect(answer.headers.get('www-authenticate')).to.match(/^Bearer realm="chronos"/);
      }
      const basic = await fetch(`${t.appUrl}/api/v1/me`, { headers: { authorization: `Basic ${token}` } });
      expect(basic.status).to.equal(401);
      expect(((await basic.json()) as { error: string }).error).to.equal('malformed_token');

      const { id } = (await t.runtime.deps.services.apiTokens.list(creatorId))[0]!;
      await t.runtime.deps.services.apiTokens.revoke(creatorId, id);
      const revoked = await api('/me', token);
      expect(revoked.status).to.equal(401);
      expect(revoked.body.error).to.equal('revoked_token');
      expect(revoked.body.message).to.match(/revoked on \d{4}-\d{2}-\d{2}/);
    });

    it('a cursor from another list, an unreadable cursor, and limits outside 1..100: 400 each', async () => {
      const creatorId = await creatorOn('pro');
      const sequelize = t.runtime.deps.sequelize;
      await insertVideo(sequelize, creatorId);
      await insertVideo(sequelize, creatorId);
      const token = await tokenOf(creatorId);
      const videoCursor = (await api('/videos?limit=1', token)).body.nextCursor as string;
      const crossed = await api(`/students?cursor=${videoCursor}`, token);
      expect(crossed.status).to.equal(400);
      expect(crossed.body.error).to.equal('invalid_cursor');
      expect(crossed.body.message).to.contain('another list (videos)');
      for (const cursor of [
        'not-a-cursor',
        Buffer.from('{"list":"videos","after":-1}').toString('base64url'),
        'a%00b',
      ]) {
        const answer = await api(`/videos?cursor=${cursor}`, token);
        expect(answer.status, cursor).to.equal(400);
        expect(answer.body.error).to.equal('invalid_cursor');
        expect(answer.body.message).to.contain('cannot be read');
      }
      for (const limit of ['0', '101', '1000', 'ten', '2.5', '']) {
        const answer = await api(`/videos?limit=${limit}`, token);
        expect(answer.status, limit).to.equal(400);
        expect(answer.body.error).to.equal('invalid_limit');
      }
      expect((await api('/videos?limit=100', token)).status).to.equal(200);
      expect((await api('/videos?limit=1', token)).status).to.equal(200);
    });

    it('an unknown endpoint is a JSON 404 in the same shape', async () => {
      const token = await tokenOf(await creatorOn('pro'));
      const response = await fetch(`${t.appUrl}/api/v1/nothing-here`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).to.equal(404);
      expect(await response.json()).to.deep.include({ error: 'not_found' });
    });
  });

  describe('the tier boundary', () => {
    it('works on Pro and Enterprise; a downgrade below Pro stops the token with a 401 naming the plans; an upgrade restarts it', async () => {
      const creatorId = await creatorOn('pro');
      const token = await tokenOf(creatorId);
      const { Creator } = t.runtime.deps.models;
      expect((await api('/me', token)).status).to.equal(200);
      for (const [tier, name] of [
        ['basic', 'Basic'],
        ['free', 'Free'],
      ] as const) {
        await Creator.update({ tier }, { where: { id: creatorId } });
        const refused = await api('/videos', token);
        expect(refused.status, tier).to.equal(401);
        expect(refused.body.error).to.equal('plan_required');
        expect(refused.body.message).to.contain(`API access needs the Pro plan; this creator is on ${name}.`);
      }
      expect(await t.runtime.deps.services.apiTokens.list(creatorId)).to.have.length(1);
      await Creator.update({ tier: 'enterprise' }, { where: { id: creatorId } });
      expect((await api('/me', token)).status).to.equal(200);
      await Creator.update({ tier: 'pro' }, { where: { id: creatorId } });
      expect((await api('/me', token)).status).to.equal(200);
    });
  });

  describe('last used', () => {
    it('is written on first use and then at most once a minute', async () => {
      const creatorId = await creatorOn('pro');
      const token = await tokenOf(creatorId);
      const lastUsed = async () => (await t.runtime.deps.services.apiTokens.list(creatorId))[0]!.lastUsedAt;
      expect(await lastUsed()).to.equal(null);
      await api('/me', token);
      const first = await lastUsed();
      expect(first).to.be.an.instanceOf(Date);
      clock.advance(30_000);
      await api('/me', token);
      expect((await lastUsed())!.getTime()).to.equal(first!.getTime());
      clock.advance(31_000);
      await api('/me', token);
      expect((await lastUsed())!.getTime()).to.be.greaterThan(first!.getTime() + 60_000);
    });
  });

  describe('sessions and tokens do not cross', () => {
    it('a signed-in browser’s session cookie gets 401 on /api/v1, and a token does not sign in to pages', async () => {
      const browser = await t.signIn('user_creator_free');
      const user = (await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_creator_free' } }))!;
      const creator = await factories().creator({ ownerUserId: user.id, tier: 'pro' });
      expect((await browser.get(`${t.appUrl}/dashboard`)).status).to.equal(200);
      const me = await browser.get(`${t.appUrl}/api/v1/me`);
      expect(me.status).to.equal(401);
      expect(JSON.parse(me.text).error).to.equal('missing_token');
      const token = await tokenOf(creator.id);
      const page = await fetch(`${t.appUrl}/dashboard`, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
      });
      expect(page.status).to.equal(302);
      expect(page.headers.get('location')).to.match(/^\/login/);
      const json = await fetch(`${t.appUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(json.status).to.equal(401);
    });
  });

  describe('storage', () => {
    it('keeps only the SHA-256 of a token and its visible prefix', async () => {
      const creatorId = await creatorOn('pro');
      const token = await tokenOf(creatorId);
      const rows = await t.runtime.deps.sequelize.query<Record<string, unknown>>(
        `SELECT *, encode(token_hash, 'hex') AS hex FROM api_tokens`,
        { type: QueryTypes.SELECT },
      );
      expect(rows).to.have.length(1);
      const { createHash } = await import('node:crypto');
      expect(rows[0]!.hex).to.equal(createHash('sha256').update(token).digest('hex'));
      expect(rows[0]!.token_prefix).to.equal(token.slice(0, 12));
      expect(JSON.stringify(rows)).not.to.contain(token.slice(12));
      expect(token).to.match(/^chr_[A-Za-z0-9_-]{43}$/);
    });
  });

  describe('the rate limit per token', () => {
    let limited: TestApp;
    let server: Server;
    let base: string;

    before(async () => {
      // Its own counters (a prefix of its own when they are in Redis): 2 requests a minute per token.
      limited = await startTestApp({ API_TOKEN_RATE_LIMIT_PER_MINUTE: '2', REDIS_PREFIX: `${runRedisPrefix}limited:` });
      server = limited.app.listen(0);
      await once(server, 'listening');
      base = `http://localhost:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.close();
      await limited.close();
    });

    it('answers 429 with Retry-After in the one JSON shape once a token passes it; other tokens keep theirs', async () => {
      const creatorId = await creatorOn('pro');
      const [first, second] = [await tokenOf(creatorId), await tokenOf(creatorId)];
      const call = async (token: string) => {
        const response = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as Record<string, unknown>;
        contract.check('GET', '/api/v1/me', response.status, body);
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
      };
      expect((await call(first)).status).to.equal(200);
      expect((await call(first)).status).to.equal(200);
      const refused = await call(first);
      expect(refused.status).to.equal(429);
      expect(Number(refused.retryAfter)).to.be.within(1, 60);
      expect(refused.body.error).to.equal('rate_limited');
      expect((await call(second)).status).to.equal(200);
    });
  });

  // Last (describes run in order): every documented success and every shared refusal was produced above.
  describe('the contract', () => {
    it('every answer the OpenAPI document promises was produced and checked against it', () => {
      expect(contract.unseen()).to.deep.equal([]);
    });
  });
});
