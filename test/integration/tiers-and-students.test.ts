import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import type { TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { onboard } from '../support/onboarding.ts';
import { insertVideo } from '../support/videos.ts';
import { movableClock } from '../support/test-clock.ts';
import { until } from '../support/wait.ts';
import { TIER_CACHE_TTL_MS } from '../../src/services/tiers/creator-tier-service.ts';

async function me(t: ChronosWithSandbox, browser: TestBrowser) {
  return JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
}

async function addStudents(t: ChronosWithSandbox, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i += 1)
    await t.control.createMembership(await t.control.createUser(`${prefix}_${i}`), 'prod_course1');
}

describe('tiers follow the Chronos plan on Whop', () => {
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox({ env: { REDIS_PREFIX: `${runRedisPrefix}tiers:` } })));
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  it('upgrading activates over-limit students, and the dashboard stops warning', async () => {
    await addStudents(t, 10, 'waiting');
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    expect((await me(t, creator)).usage.students).to.equal(10);
    const { Student } = t.runtime.deps.models;
    expect(await Student.count({ where: { status: 'over_limit' } })).to.equal(2);
    expect((await creator.get(`${t.appUrl}/dashboard`)).text).to.contain('2 students are waiting');

    await t.control.pay('user_creator_free', 'prod_basic');
    const again = await t.signIn('user_creator_free');
    const after = await me(t, again);
    expect(after.tier).to.equal('basic');
    expect(after.usage.students).to.equal(12);
    expect(await Student.count({ where: { status: 'over_limit' } })).to.equal(0);
    expect((await again.get(`${t.appUrl}/dashboard`)).text).not.to.contain('students are waiting');
  });

  it('a downgrade deletes nothing: over-limit videos stay readable, the library says the plan is full and links the upgrade', async () => {
    const membershipId = (await t.control.pay('user_creator_free', 'prod_basic')).membershipId!;
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    expect((await me(t, creator)).tier).to.equal('basic');
    const creatorRow = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    for (let i = 1; i <= 7; i += 1)
      await insertVideo(t.runtime.deps.sequelize, creatorRow!.id, { title: `Basic lesson ${i}`, sizeBytes: 1000 });
    await t.control.setStatus(membershipId, 'canceled');
    const downgraded = await t.signIn('user_creator_free');
    const plan = await me(t, downgraded);
    expect(plan.tier).to.equal('free');
    expect(plan.usage.videos).to.equal(7);
    expect((await downgraded.get(`${t.appUrl}/dashboard`)).text).to.contain('7 / 5');
    const library = await downgraded.get(`${t.appUrl}/dashboard/videos`);
    for (let i = 1; i <= 7; i += 1) expect(library.text).to.contain(`Basic lesson ${i}`);
    expect(library.text).to.contain('data-remaining-videos="0"');
    expect(library.text).to.match(
      /used all the video slots of your Free plan\. Delete a video or <a href="\/pricing">/,
    );
    expect(await t.runtime.deps.models.Video.count()).to.equal(7);
  });

  it('sends a students page past the last one to the last page instead of an empty table', async () => {
    const browser = await t.signIn('user_creator_free');
    await onboard(t, browser, 'biz_creator1');
    const past = await browser.get(`${t.appUrl}/dashboard?page=999`);
    expect(past.status).to.equal(302);
    expect(past.location).to.equal(`${t.appUrl}/dashboard?page=1#students`);
    const last = await browser.get(`${t.appUrl}/dashboard?page=1`);
    expect(last.status).to.equal(200);
    expect(last.text).to.match(/Students\s*<span[^>]*>\(2\)/);
  });

  it('repeated page views make no Whop call (the plan is cached and the stored tier is read)', async () => {
    const creator = await t.signIn('user_creator_pro');
    await onboard(t, creator, 'biz_creator2');
    t.whopCalls.reset();
    for (let i = 0; i < 10; i += 1) {
      expect((await creator.get(`${t.appUrl}/dashboard`)).status).to.equal(200);
      expect((await creator.get(`${t.appUrl}/api/me`)).status).to.equal(200);
    }
    expect(t.whopCalls.requests).to.deep.equal([]);
  });

  it('gates features by tier: a free creator gets a 403 page naming the feature, the tier that unlocks it and the upgrade link', async () => {
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const locked = await creator.get(`${t.appUrl}/analytics`);
    expect(locked.status).to.equal(403);
    expect(locked.text).to.contain('Analytics');
    expect(locked.text).to.contain('<strong>Basic</strong> plan and above');
    expect(locked.text).to.contain(`href="${t.config.appUrl}/pricing#plan-basic"`);
    const pro = await t.signIn('user_creator_pro');
    await onboard(t, pro, 'biz_creator2');
    expect((await pro.get(`${t.appUrl}/analytics`)).status).to.equal(200);
  });

  it('answers /api/me with user, role, tier, limits, usage, features and csrfToken for each role', async () => {
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const body = await me(t, creator);
    expect(body).to.include.keys('user', 'role', 'tier', 'limits', 'usage', 'features', 'csrfToken');
    expect(body.user).to.include({ id: 'user_creator_free', username: 'creator_free' });
    expect(body).to.deep.include({ role: 'creator', tier: 'free', features: ['upload'] });
    expect(body.limits).to.deep.equal({ videos: 5, storageBytes: 1024 ** 3, aiCredits: 100, students: 10 });
    expect(body.usage).to.deep.equal({ videos: 0, storageBytes: 0, aiCredits: 0, students: 2 });
    const student = await me(t, await t.signIn('user_student1'));
    expect(student).to.deep.include({ role: 'student', tier: null, limits: null, usage: null, features: [] });
    const admin = await me(t, await t.signIn('user_admin'));
    expect(admin.role).to.equal('admin');
    const member = await me(t, await t.signIn('user_creator_pro'));
    expect(member.role).to.equal('member');
  });

  it('shows students the creators whose courses they can access, and why not when they cannot', async () => {
    await addStudents(t, 8, 'early');
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const lateUser = await t.control.createUser('late_student');
    await t.control.createMembership(lateUser, 'prod_course1');
    await t.runtime.deps.services.onboarding.importMembers((await t.runtime.deps.models.Creator.findOne())!);
    const student = await t.signIn('user_student1');
    const page = await student.get(`${t.appUrl}/dashboard`);
    expect(page.text).to.contain('Your courses');
    expect(page.text).to.contain('You have access.');
    // A student past the creator's limit sees why: sign in as them through the consent page.
    const late = await t.signIn(lateUser);
    const closed = await late.get(`${t.appUrl}/dashboard`);
    expect(closed.text).to.contain('No access');
    expect(closed.text).to.contain('has reached the student limit of their Chronos plan');
  });
});

describe('the plan cache expires for an active creator', () => {
  it('refreshes the tier in the background once per cache period, without slowing the page', async () => {
    // The cache period passes on Chronos's clock, moved instead of waited for.
    const clock = movableClock();
    const t = await startChronosWithSandbox({
      services: { now: clock.now },
      env: { REDIS_PREFIX: `${runRedisPrefix}tier-ttl:` },
    });
    try {
      await t.control.reset();
      await cleanTables(t.runtime.deps.sequelize);
      const creator = await t.signIn('user_creator_free');
      await onboard(t, creator, 'biz_creator1');
      await t.control.pay('user_creator_free', 'prod_pro');
      clock.advance(TIER_CACHE_TTL_MS + 50);
      t.whopCalls.reset();
      await Promise.all(Array.from({ length: 5 }, () => creator.get(`${t.appUrl}/dashboard`)));
      const { Creator } = t.runtime.deps.models;
      await until(async () => (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))?.tier === 'pro', {
        what: 'the background refresh',
      });
      expect(t.whopCalls.count('/api/v1/memberships')).to.equal(1);
      expect((await me(t, creator)).tier).to.equal('pro');
    } finally {
      await t.close();
    }
  });
});

describe('per-user rate limit on the JSON API', () => {
  it('answers 429 with Retry-After past the limit, per user; pages are not limited', async () => {
    const t = await startChronosWithSandbox({
      env: { API_RATE_LIMIT_PER_MINUTE: '5', REDIS_PREFIX: `${runRedisPrefix}api-limit:` },
    });
    try {
      const alice = await t.signIn('user_student1');
      const bob = await t.signIn('user_student2');
      for (let i = 0; i < 5; i += 1) expect((await alice.get(`${t.appUrl}/api/me`)).status).to.equal(200);
      const limited = await alice.get(`${t.appUrl}/api/me`);
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      expect(JSON.parse(limited.text)).to.include({ error: 'rate_limited' });
      expect((await bob.get(`${t.appUrl}/api/me`)).status).to.equal(200);
      for (let i = 0; i < 8; i += 1) expect((await alice.get(`${t.appUrl}/dashboard`)).status).to.equal(200);
    } finally {
      await t.close();
    }
  });
});
