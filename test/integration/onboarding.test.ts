import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables, withTableAway } from '../support/table-cleaner.ts';

async function onboard(t: ChronosWithSandbox, browser: TestBrowser, companyId: string) {
  const page = await browser.get(`${t.appUrl}/dashboard`);
  const csrf = formField(page.text, '_csrf')!;
  return browser.post(`${t.appUrl}/onboarding`, { _csrf: csrf, companyId });
}

describe('onboarding a creator', () => {
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  it('shows the onboarding page to a signed-in user who is neither creator nor student', async () => {
    const browser = await t.signIn('user_creator_free');
    const page = await browser.get(`${t.appUrl}/dashboard`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Set up Chronos');
    expect(page.text).to.contain('name="companyId"');
  });

  it('makes the company admin its creator and imports the company’s members as students', async () => {
    const browser = await t.signIn('user_creator_free');
    const answer = await onboard(t, browser, 'biz_creator1');
    expect(answer.status).to.equal(303);
    expect(answer.location).to.equal(`${t.appUrl}/dashboard`);
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.text).to.contain('We imported 2 students from Whop.');
    expect(dashboard.text).to.contain('user_student1');
    expect(dashboard.text).to.contain('user_student2');
    const { Creator, Student } = t.runtime.deps.models;
    const creator = await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    expect(creator?.tier).to.equal('free');
    expect(creator?.tierUpdatedAt).to.be.instanceOf(Date);
    expect(await Student.count({ where: { creatorId: creator!.id, status: 'active' } })).to.equal(2);
    const me = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
    expect(me.role).to.equal('creator');
    expect(me.usage.students).to.equal(2);
  });

  it('reads the creator’s tier from their Chronos plan at onboarding', async () => {
    const browser = await t.signIn('user_creator_pro');
    await onboard(t, browser, 'biz_creator2');
    const me = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
    expect(me.tier).to.equal('pro');
    expect(me.limits).to.deep.equal({ videos: 500, storageBytes: 100 * 1024 ** 3, aiCredits: 10000, students: 1000 });
  });

  it('refuses a user whom Whop does not call an admin of the company, and creates nothing', async () => {
    const browser = await t.signIn('user_student1');
    const answer = await onboard(t, browser, 'biz_creator1');
    expect(answer.status).to.equal(403);
    expect(answer.text).to.contain('Whop says you are not an admin of that company');
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('refuses a company that another account already claimed', async () => {
    await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1');
    const admin = await t.signIn('user_admin');
    const answer = await onboard(t, admin, 'biz_creator1');
    expect(answer.status).to.equal(409);
    expect(answer.text).to.contain('already on Chronos under another account');
    expect(await t.runtime.deps.models.Creator.count()).to.equal(1);
  });

  it('refuses a malformed company id and an unknown one with a clear message', async () => {
    const browser = await t.signIn('user_creator_free');
    const malformed = await onboard(t, browser, 'creator1');
    expect(malformed.status).to.equal(400);
    expect(malformed.text).to.contain('it starts with biz_');
    const unknown = await onboard(t, browser, 'biz_nobody');
    expect(unknown.status).to.equal(400);
    expect(unknown.text).to.contain('Whop does not know that company');
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('is all or nothing: when the import fails, no creator is left behind and the user can retry', async () => {
    const browser = await t.signIn('user_creator_free');
    await withTableAway(t.runtime.deps.sequelize, 'students', async () => {
      const failed = await onboard(t, browser, 'biz_creator1');
      expect(failed.status).to.equal(500);
    });
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
    const retry = await onboard(t, browser, 'biz_creator1');
    expect(retry.status).to.equal(303);
    expect(await t.runtime.deps.models.Student.count()).to.equal(2);
  });

  it('refuses onboarding without a CSRF token', async () => {
    const browser = await t.signIn('user_creator_free');
    const answer = await browser.post(`${t.appUrl}/onboarding`, { companyId: 'biz_creator1' });
    expect(answer.status).to.equal(403);
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('imports every page of members (over a hundred), keeping the free tier’s student limit', async () => {
    for (let i = 0; i < 118; i += 1) {
      const user = await t.control.createUser(`bulk_student_${i}`);
      await t.control.createMembership(user, 'prod_course1');
    }
    t.whopCalls.reset();
    const browser = await t.signIn('user_creator_free');
    await onboard(t, browser, 'biz_creator1');
    const membershipPages = t.whopCalls.requests.filter((r) => r.startsWith('GET /api/v1/memberships?') && r.includes('company_id=biz_creator1'));
    expect(membershipPages.length).to.be.at.least(2);
    const { Student } = t.runtime.deps.models;
    expect(await Student.count()).to.equal(120);
    expect(await Student.count({ where: { status: 'active' } })).to.equal(10);
    expect(await Student.count({ where: { status: 'over_limit' } })).to.equal(110);
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.text).to.contain('110 students are waiting');
  });
});
