import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField } from '../support/test-browser.ts';
import { cleanTables, withTableAway } from '../support/table-cleaner.ts';
import { ensureInstalled, pickCompany, setCompanyAdmins } from '../support/onboarding.ts';
import { RAW_WHOP_ID, visibleText } from '../support/page-text.ts';

/** The href of the first link whose text contains `text`. */
function linkHref(html: string, text: string): string | undefined {
  for (const match of html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)) {
    if (match[2]!.includes(text)) return match[1]!.replace(/&amp;/g, '&');
  }
  return undefined;
}

describe('onboarding a creator', () => {
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
    // Whatever the seed says, these tests start with the app not installed on biz_creator1.
    if ((await t.control.installedCompanies()).includes('biz_creator1')) await t.control.uninstall('biz_creator1');
  });
  after(() => t.close());

  it('lists the companies Whop says the signed-in user manages, to pick from, with no id to type', async () => {
    const browser = await t.signIn('user_creator_free');
    t.whopCalls.reset();
    const page = await browser.get(`${t.appUrl}/dashboard`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Set up Chronos');
    expect(page.text).to.contain('Creator One Academy');
    expect(page.text).to.contain('value="biz_creator1"');
    expect(page.text).to.not.contain('biz_creator2');
    expect(page.text).to.not.contain('value="biz_chronos"');
    expect(page.text).to.not.match(/<input[^>]+name="companyId"[^>]+type="text"/);
    expect(visibleText(page.text).match(RAW_WHOP_ID)).to.equal(null);
    // Asked with the user's own token, not the app's key.
    const listCall = t.whopCalls.requests.findIndex((r) => r.startsWith('GET /api/v1/companies'));
    expect(listCall).to.be.at.least(0);
    expect(t.whopCalls.headers[listCall]!.authorization).to.not.equal(`Bearer ${t.sandbox.options.app.apiKey}`);
  });

  it('tells a user who manages no company so, with nothing to pick', async () => {
    const browser = await t.signIn('user_student1');
    const page = await browser.get(`${t.appUrl}/onboarding`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Whop lists no company that you manage');
    expect(page.text).to.not.contain('name="companyId"');
  });

  it('asks to install Chronos when it is not installed, then onboards once it is installed in the sandbox and checked again', async () => {
    const browser = await t.signIn('user_creator_free');
    const picked = await pickCompany(t, browser, 'biz_creator1');
    expect(picked.status).to.equal(303);
    expect(picked.location).to.equal(`${t.appUrl}/onboarding/install?company=biz_creator1`);
    const step = await browser.get(picked.location!);
    expect(step.status).to.equal(200);
    expect(step.text).to.contain('Install Chronos on Creator One Academy');
    const installUrl = linkHref(step.text, 'Install Chronos on Whop');
    expect(installUrl).to.equal(`${t.sandbox.url}/sandbox/apps/${t.config.whop.appId}/install`);
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);

    // "Check again" before installing: still the install step, saying so.
    const csrf = formField(step.text, '_csrf')!;
    const tooEarly = await browser.post(`${t.appUrl}/onboarding`, {
      _csrf: csrf,
      companyId: 'biz_creator1',
      check: 'again',
    });
    expect(tooEarly.location).to.equal(`${t.appUrl}/onboarding/install?company=biz_creator1&checked=1`);
    const stillNot = await browser.get(tooEarly.location!);
    expect(stillNot.text).to.contain('Whop still says Chronos is not installed on Creator One Academy');
    expect(stillNot.text).to.contain('Check again');
    // The install step of a company the user does not manage is not shown.
    expect((await browser.get(`${t.appUrl}/onboarding/install?company=biz_creator2`)).location).to.equal(
      `${t.appUrl}/onboarding`,
    );

    // The install page of the sandbox (Whop's install link): the user who approved the sign-in installs it.
    const installPage = await browser.get(installUrl!);
    expect(installPage.status).to.equal(200);
    expect(installPage.text).to.contain('Creator One Academy');
    const installed = await browser.post(installUrl!, {
      _csrf: formField(installPage.text, '_csrf')!,
      company_id: 'biz_creator1',
    });
    expect(installed.status).to.equal(200);
    expect(await t.control.installedCompanies()).to.include('biz_creator1');

    // Nothing brings the user back by itself: they check again from the page they left.
    const onboarded = await browser.post(`${t.appUrl}/onboarding`, {
      _csrf: csrf,
      companyId: 'biz_creator1',
      check: 'again',
    });
    expect(onboarded.status).to.equal(303);
    expect(onboarded.location).to.equal(`${t.appUrl}/dashboard`);
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.text).to.contain('We imported 2 students from Whop.');
    expect(dashboard.text).to.contain('@student1');
  });

  it('refuses the install step without a CSRF token on "Check again"', async () => {
    const browser = await t.signIn('user_creator_free');
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const answer = await browser.post(`${t.appUrl}/onboarding`, { companyId: 'biz_creator1', check: 'again' });
    expect(answer.status).to.equal(403);
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('makes the company admin its creator and imports the company’s members as students', async () => {
    const browser = await t.signIn('user_creator_free');
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const answer = await pickCompany(t, browser, 'biz_creator1');
    expect(answer.status).to.equal(303);
    expect(answer.location).to.equal(`${t.appUrl}/dashboard`);
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.text).to.contain('We imported 2 students from Whop.');
    expect(dashboard.text).to.contain('@student1');
    expect(dashboard.text).to.contain('@student2');
    // Names, not raw Whop ids; the company's id only in the secondary "Ids for Whop support" place.
    expect(visibleText(dashboard.text, { withoutClass: 'support-ids' }).match(RAW_WHOP_ID)).to.equal(null);
    expect(visibleText(dashboard.text), 'one date style: no ISO dates').not.to.match(/\d{4}-\d{2}-\d{2}/);
    expect(visibleText(dashboard.text)).to.contain(
      'Ids for Whop support Whop support may ask for these. Your company: biz_creator1',
    );
    const { Creator, Student } = t.runtime.deps.models;
    const creator = await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    expect(creator?.tier).to.equal('free');
    expect(creator?.companyName).to.equal('Creator One Academy');
    expect(creator?.connection).to.equal('connected');
    expect(creator?.tierUpdatedAt).to.be.instanceOf(Date);
    expect(await Student.count({ where: { creatorId: creator!.id, status: 'active' } })).to.equal(2);
    const me = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
    expect(me.role).to.equal('creator');
    expect(me.usage.students).to.equal(2);
    // A creator is sent from the picker to their dashboard.
    expect((await browser.get(`${t.appUrl}/onboarding`)).location).to.equal(`${t.appUrl}/dashboard`);
  });

  it('reads the creator’s tier from their Chronos plan at onboarding', async () => {
    const browser = await t.signIn('user_creator_pro');
    await ensureInstalled(t, 'biz_creator2', 'user_creator_pro');
    await pickCompany(t, browser, 'biz_creator2');
    const me = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text);
    expect(me.tier).to.equal('pro');
    expect(me.limits).to.deep.equal({ videos: 500, storageBytes: 100 * 1024 ** 3, aiCredits: 10000, students: 1000 });
  });

  it('refuses a company Whop does not list among the user’s, even when it is installed, and creates nothing', async () => {
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const browser = await t.signIn('user_student1');
    const page = await browser.get(`${t.appUrl}/onboarding`);
    const answer = await browser.post(`${t.appUrl}/onboarding`, {
      _csrf: formField(page.text, '_csrf')!,
      companyId: 'biz_creator1',
    });
    expect(answer.status).to.equal(403);
    expect(answer.text).to.contain('Whop does not list that company among the ones you manage');
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('answers a non-admin the same for a company on Chronos as for one that is not, so nobody learns who uses Chronos', async () => {
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    await pickCompany(t, await t.signIn('user_creator_free'), 'biz_creator1');
    const outsider = await t.signIn('user_student1');
    const page = await outsider.get(`${t.appUrl}/onboarding`);
    const answers = [];
    for (const companyId of ['biz_creator1', 'biz_creator2']) {
      answers.push(await outsider.post(`${t.appUrl}/onboarding`, { _csrf: formField(page.text, '_csrf')!, companyId }));
    }
    const [onChronos, notOnChronos] = answers.map((a) => ({
      status: a.status,
      main: visibleText(/<main[\s\S]*<\/main>/.exec(a.text)![0]).replace(/Reference: \S+/, ''),
    }));
    expect(onChronos).to.deep.equal(notOnChronos);
    expect(onChronos!.main).to.contain('Whop does not list that company among the ones you manage');
    expect(answers[0]!.text).to.not.contain('already on Chronos');
  });

  it('refuses a company that another account runs while that account is still its admin', async () => {
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    await pickCompany(t, await t.signIn('user_creator_free'), 'biz_creator1');
    setCompanyAdmins(t, 'biz_creator1', ['user_creator_free', 'user_admin']);
    const admin = await t.signIn('user_admin');
    const answer = await pickCompany(t, admin, 'biz_creator1');
    expect(answer.status).to.equal(409);
    expect(answer.text).to.contain('already on Chronos under another account');
    const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    const owner = await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_creator_free' } });
    expect(creator?.ownerUserId).to.equal(owner!.id);
  });

  it('refuses a malformed company id and Chronos’s own company with a clear message', async () => {
    const browser = await t.signIn('user_creator_free');
    const malformed = await pickCompany(t, browser, 'creator1');
    expect(malformed.status).to.equal(400);
    expect(malformed.text).to.contain('Pick one of your Whop companies');
    const own = await pickCompany(t, browser, 'biz_chronos');
    expect(own.status).to.equal(403);
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('is all or nothing: when the import fails, no creator is left behind and the user can retry', async () => {
    const browser = await t.signIn('user_creator_free');
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const csrf = formField((await browser.get(`${t.appUrl}/onboarding`)).text, '_csrf')!;
    await withTableAway(t.runtime.deps.sequelize, 'students', async () => {
      const failed = await browser.post(`${t.appUrl}/onboarding`, { _csrf: csrf, companyId: 'biz_creator1' });
      expect(failed.status).to.equal(500);
    });
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
    const retry = await pickCompany(t, browser, 'biz_creator1');
    expect(retry.status).to.equal(303);
    expect(await t.runtime.deps.models.Student.count()).to.equal(2);
  });

  it('refuses onboarding without a CSRF token', async () => {
    const browser = await t.signIn('user_creator_free');
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const answer = await browser.post(`${t.appUrl}/onboarding`, { companyId: 'biz_creator1' });
    expect(answer.status).to.equal(403);
    expect(await t.runtime.deps.models.Creator.count()).to.equal(0);
  });

  it('imports every page of members (over a hundred), keeping the free tier’s student limit', async () => {
    for (let i = 0; i < 118; i += 1) {
      const user = await t.control.createUser(`bulk_student_${i}`);
      await t.control.createMembership(user, 'prod_course1');
    }
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const browser = await t.signIn('user_creator_free');
    t.whopCalls.reset();
    await pickCompany(t, browser, 'biz_creator1');
    const membershipPages = t.whopCalls.requests.filter(
      (r) => r.startsWith('GET /api/v1/memberships?') && r.includes('company_id=biz_creator1'),
    );
    expect(membershipPages.length).to.be.at.least(2);
    const { Student } = t.runtime.deps.models;
    expect(await Student.count()).to.equal(120);
    expect(await Student.count({ where: { status: 'active' } })).to.equal(10);
    expect(await Student.count({ where: { status: 'over_limit' } })).to.equal(110);
    const dashboard = await browser.get(`${t.appUrl}/dashboard`);
    expect(dashboard.text).to.contain('110 students are waiting');
  });
});
