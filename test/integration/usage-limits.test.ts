import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

const GB = 1024 ** 3;

interface Creatorship {
  browser: TestBrowser;
  csrf: string;
  creatorId: number;
}

describe('usage limits (enforced on the server, atomically)', () => {
  let t: ChronosWithSandbox;
  let signedIn: TestBrowser;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  /** The signed-in user runs biz_creator1 on the given tier (set after sign-in, which reads the real plan). */
  async function creatorOn(tier: Tier): Promise<Creatorship> {
    const { User, Creator } = t.runtime.deps.models;
    signedIn = await t.signIn('user_creator_free');
    const user = (await User.findOne({ where: { whopUserId: 'user_creator_free' } }))!;
    const creator = await Creator.create({
      whopCompanyId: 'biz_creator1',
      companyName: 'Creator One',
      ownerUserId: user.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
    const csrf = JSON.parse((await signedIn.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
    return { browser: signedIn, csrf, creatorId: creator.id };
  }

  function postJson(c: Creatorship, path: string, body: unknown) {
    return c.browser.request(`${t.appUrl}${path}`, { method: 'POST', json: body, headers: { 'x-csrf-token': c.csrf } });
  }

  const video = (title: string, sizeBytes = 1_000_000) => ({ title, sizeBytes, durationSeconds: 90 });

  describe('POST /api/videos', () => {
    it('adds videos up to the tier’s video limit and refuses the next one with the limit, tier and upgrade link', async () => {
      const c = await creatorOn('free');
      for (let i = 1; i <= 5; i += 1) {
        const created = await postJson(c, '/api/videos', video(`Lesson ${i}`));
        expect(created.status).to.equal(201);
        expect(JSON.parse(created.text).video).to.include({
          title: `Lesson ${i}`,
          sizeBytes: 1_000_000,
          durationSeconds: 90,
        });
      }
      const refused = await postJson(c, '/api/videos', video('Lesson 6'));
      expect(refused.status).to.equal(403);
      const body = JSON.parse(refused.text);
      expect(body).to.include({ error: 'limit_exceeded', limit: 'videos', tier: 'free' });
      expect(body.upgradeUrl).to.match(/\/sandbox\/checkout\/prod_basic$/);
      expect(await t.runtime.deps.models.Video.count()).to.equal(5);
    });

    it('refuses a video that would pass the storage limit, and accepts one that reaches it exactly', async () => {
      const c = await creatorOn('free');
      expect((await postJson(c, '/api/videos', video('Half', GB / 2))).status).to.equal(201);
      expect((await postJson(c, '/api/videos', video('Rest', GB / 2))).status).to.equal(201);
      const refused = await postJson(c, '/api/videos', video('One byte more', 1));
      expect(refused.status).to.equal(403);
      expect(JSON.parse(refused.text)).to.include({ error: 'limit_exceeded', limit: 'storage' });
      expect(await t.runtime.deps.models.Video.count()).to.equal(2);
    });

    it('never passes the limit under concurrent requests at the boundary', async () => {
      const c = await creatorOn('free');
      await postJson(c, '/api/videos', video('Existing'));
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => postJson(c, '/api/videos', video(`Racer ${i}`))),
      );
      expect(answers.filter((a) => a.status === 201)).to.have.length(4);
      expect(answers.filter((a) => a.status === 403)).to.have.length(8);
      expect(await t.runtime.deps.models.Video.count()).to.equal(5);
    });

    it('refuses invalid input with 400 invalid_request and details, storing nothing', async () => {
      const c = await creatorOn('pro');
      for (const bad of [
        {},
        { title: '', sizeBytes: 1, durationSeconds: 1 },
        { title: 'x'.repeat(201), sizeBytes: 1, durationSeconds: 1 },
        { title: 'a', sizeBytes: -1, durationSeconds: 1 },
        { title: 'a', sizeBytes: 1.5, durationSeconds: 1 },
        { title: 'a', sizeBytes: 51 * GB, durationSeconds: 1 },
        { title: 'a', sizeBytes: 1, durationSeconds: 0 },
        { title: 'a', sizeBytes: 'lots', durationSeconds: 1 },
        { title: 'a\u0000b', sizeBytes: 1, durationSeconds: 1 },
        { title: 'x\ud800y', sizeBytes: 1, durationSeconds: 1 },
        { title: '\u200b', sizeBytes: 1, durationSeconds: 1 },
      ]) {
        const answer = await postJson(c, '/api/videos', bad);
        expect(answer.status, JSON.stringify(bad)).to.equal(400);
        const body = JSON.parse(answer.text);
        expect(body.error).to.equal('invalid_request');
        expect(body.details).to.be.an('array').with.length.greaterThan(0);
      }
      expect(await t.runtime.deps.models.Video.count()).to.equal(0);
    });

    it('is for creators only (403) and needs sign-in (401) and CSRF (403)', async () => {
      const student = await t.signIn('user_student1');
      const csrf = JSON.parse((await student.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
      const refused = await student.request(`${t.appUrl}/api/videos`, {
        method: 'POST',
        json: video('x'),
        headers: { 'x-csrf-token': csrf },
      });
      expect(refused.status).to.equal(403);
      expect(JSON.parse(refused.text).error).to.equal('forbidden');
      const c = await creatorOn('free');
      expect((await c.browser.request(`${t.appUrl}/api/videos`, { method: 'POST', json: video('x') })).status).to.equal(
        403,
      );
      const stranger = await fetch(`${t.appUrl}/api/videos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(video('x')),
      });
      expect(stranger.status).to.equal(401);
      expect(await t.runtime.deps.models.Video.count()).to.equal(0);
    });
  });

  describe('the dashboard’s video form', () => {
    it('adds a video and shows it; at the limit it shows the refusal naming the limit, with the upgrade link', async () => {
      const c = await creatorOn('free');
      for (let i = 1; i <= 5; i += 1) {
        const page = await c.browser.get(`${t.appUrl}/dashboard`);
        const answer = await c.browser.post(`${t.appUrl}/dashboard/videos`, {
          _csrf: formField(page.text, '_csrf')!,
          title: `Form lesson ${i}`,
          sizeBytes: '1000',
          durationSeconds: '60',
        });
        expect(answer.status).to.equal(303);
      }
      const full = await c.browser.get(`${t.appUrl}/dashboard`);
      expect(full.text).to.contain('Form lesson 5');
      expect(full.text).to.contain('5 / 5');
      const refused = await c.browser.post(`${t.appUrl}/dashboard/videos`, {
        _csrf: formField(full.text, '_csrf')!,
        title: 'Form lesson 6',
        sizeBytes: '1000',
        durationSeconds: '60',
      });
      expect(refused.status).to.equal(303);
      const after = await c.browser.get(`${t.appUrl}/dashboard`);
      expect(after.text).to.contain('go past your video limit on the free tier');
      expect(after.text).to.match(
        /role="alert">[^<]*<a href="[^"]*\/sandbox\/checkout\/prod_basic">Upgrade your plan<\/a>/,
      );
      expect(after.text).to.contain('value="Form lesson 6"');
      expect(after.text).not.to.contain('<td>Form lesson 6</td>');
      expect(await t.runtime.deps.models.Video.count()).to.equal(5);
    });
  });

  describe('POST /api/ai/credits', () => {
    it('spends credits for the current UTC month and says what remains', async () => {
      const c = await creatorOn('free');
      const answer = await postJson(c, '/api/ai/credits', { amount: 30 });
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.text)).to.deep.equal({ used: 30, limit: 100, remaining: 70 });
      expect(JSON.parse((await postJson(c, '/api/ai/credits', { amount: 70 })).text)).to.deep.equal({
        used: 100,
        limit: 100,
        remaining: 0,
      });
      const refused = await postJson(c, '/api/ai/credits', { amount: 1 });
      expect(refused.status).to.equal(403);
      expect(JSON.parse(refused.text)).to.include({ error: 'limit_exceeded', limit: 'ai_credits', tier: 'free' });
      const [row] = await t.runtime.deps.models.UsageMetric.findAll();
      const now = new Date();
      expect(row?.month).to.equal(`${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`);
      expect(row?.aiCreditsUsed).to.equal(100);
    });

    it('gives exactly 100 of 150 concurrent 1-credit requests on the free tier', async () => {
      const c = await creatorOn('free');
      const answers = await Promise.all(
        Array.from({ length: 150 }, () => postJson(c, '/api/ai/credits', { amount: 1 })),
      );
      expect(answers.filter((a) => a.status === 200)).to.have.length(100);
      expect(answers.filter((a) => a.status === 403)).to.have.length(50);
      const [row] = await t.runtime.deps.models.UsageMetric.findAll();
      expect(row?.aiCreditsUsed).to.equal(100);
    });

    it('refuses amounts outside 1..1000 with 400, and one larger than the whole limit with 403', async () => {
      const c = await creatorOn('free');
      for (const amount of [0, -5, 1001, 2.5, '10', null])
        expect((await postJson(c, '/api/ai/credits', { amount })).status, String(amount)).to.equal(400);
      expect((await postJson(c, '/api/ai/credits', { amount: 101 })).status).to.equal(403);
      expect(await t.runtime.deps.models.UsageMetric.count()).to.equal(0);
    });

    it('has no limit on enterprise', async () => {
      const c = await creatorOn('enterprise');
      for (let i = 0; i < 3; i += 1)
        expect((await postJson(c, '/api/ai/credits', { amount: 1000 })).status).to.equal(200);
      expect(JSON.parse((await postJson(c, '/api/ai/credits', { amount: 1 })).text)).to.deep.equal({
        used: 3001,
        limit: null,
        remaining: null,
      });
    });
  });
});
