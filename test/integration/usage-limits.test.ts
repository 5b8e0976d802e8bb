import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import type { TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

interface Creatorship {
  browser: TestBrowser;
  csrf: string;
  creatorId: number;
}

// Videos and storage are reserved by the upload endpoint (POST /api/uploads), whose tests cover
// those limits; the typed-size routes they replaced are gone (test/integration/video-library.test.ts).
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
      expect(JSON.parse(refused.text)).to.include({
        error: 'limit_exceeded',
        limit: 'ai_credits',
        tier: 'free',
        // The plans page (its checkout returns to /billing/return), never a static checkout link.
        upgradeUrl: `${t.config.appUrl}/pricing`,
      });
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
