/**
 * The embedded member view's company comes from Chronos's record of its Whop experiences,
 * written when a company is connected (Whop's `GET /experiences?company_id&app_id`, read
 * through the sandbox over HTTP) or on the first visit of an unknown experience
 * (`GET /experiences/{id}`, once). Once recorded, the member view needs no call to Whop's
 * experiences API (the proxy in front of the sandbox counts them, and answers 503 for them),
 * and no later answer can move a recorded experience to another company.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { ensureInstalled, onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { playableVideo } from '../support/media-fixtures.ts';
import { logRecords } from '../support/log-records.ts';
import { until } from '../support/wait.ts';

const EXPERIENCES_API = '/api/v1/experiences';
const WHOP_DOWN = { status: 503, body: { error: { type: 'server_error', message: 'Whop is down' } } };

describe('Whop App: the experiences recorded at install', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  let member: string;

  const rowOf = (experienceId: string) => t.runtime.deps.models.WhopExperience.findByPk(experienceId);
  async function view(experienceId: string, userId: string): Promise<{ status: number; html: string }> {
    const token = await t.sandbox.sandbox.oidc.userTokens.sign(userId);
    const answer = await fetch(`${t.appUrl}/experiences/${experienceId}`, {
      headers: { 'x-whop-user-token': token },
      redirect: 'manual',
    });
    return { status: answer.status, html: await answer.text() };
  }
  /** Makes every call to Whop's experiences API fail, so a page that needs one fails too. */
  const experiencesApiDown = () => t.whopCalls.answerNext(20, EXPERIENCES_API, WHOP_DOWN);

  before(async () => {
    t = await startChronosWithSandbox();
    await cleanTables(t.runtime.deps.sequelize);
    await onboard(t, await t.signIn('user_creator_pro'), 'biz_creator2');
    const creator2 = (await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } }))!;
    await playableVideo({ models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage }, creator2.id, {
      title: 'Recorded lesson',
    });
    member = await t.control.createUser('recordedpupil');
    await t.control.createMembership(member, 'prod_course2');
    await until(
      async () => {
        await t.drain();
        return (await t.runtime.deps.models.Student.count({ where: { whopUserId: member } })) > 0;
      },
      { what: 'the membership arriving', intervalMs: 50 },
    );
  });
  beforeEach(() => t.whopCalls.reset());
  after(() => t?.close());

  it('records the company’s experience when the company is connected', async () => {
    const row = await rowOf('exp_creator2');
    expect(row, 'recorded at onboarding').not.to.equal(null);
    expect(row!.companyId).to.equal('biz_creator2');
    expect(row!.companyTitle).to.equal(t.sandbox.sandbox.state.getCompany('biz_creator2')!.title);
    expect(row!.source).to.equal('install');
  });

  it('shows the member view with no call to Whop’s experiences API once recorded', async () => {
    experiencesApiDown();
    const page = await view('exp_creator2', member);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Recorded lesson');
    expect(t.whopCalls.count(EXPERIENCES_API)).to.equal(0);
  });

  it('records the experiences of a company that installs the app, from Whop’s app_installation.created', async () => {
    if ((await t.control.installedCompanies()).includes('biz_creator1')) await t.control.uninstall('biz_creator1');
    await t.runtime.deps.models.WhopExperience.destroy({ where: { experienceId: 'exp_creator1' } });
    await t.control.install('biz_creator1', 'user_creator_free');
    await until(
      async () => {
        await t.drain();
        return (await rowOf('exp_creator1')) !== null;
      },
      { what: 'the installation event recording the experience', intervalMs: 50 },
    );
    expect((await rowOf('exp_creator1'))!.get({ plain: true })).to.include({
      companyId: 'biz_creator1',
      source: 'webhook',
    });
    const event = await t.runtime.deps.models.WebhookEvent.findOne({ where: { type: 'app_installation.created' } });
    expect(event?.status).to.equal('processed');
    expect(t.whopCalls.count(`${EXPERIENCES_API}?`)).to.equal(1);
  });

  it('resolves an experience it has not recorded once through Whop, and records it', async () => {
    // biz_creator1 installed the app but is not connected to Chronos, and its record is lost.
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    await t.runtime.deps.models.WhopExperience.destroy({ where: { experienceId: 'exp_creator1' } });
    const first = await view('exp_creator1', 'user_creator_free');
    expect(first.status).to.equal(404);
    expect(first.html).to.contain('has not set up Chronos yet');
    expect(t.whopCalls.count(`${EXPERIENCES_API}/exp_creator1`)).to.equal(1);
    const row = await rowOf('exp_creator1');
    expect(row?.companyId).to.equal('biz_creator1');
    expect(row?.source).to.equal('lookup');

    experiencesApiDown();
    expect((await view('exp_creator1', 'user_creator_free')).status).to.equal(404);
    expect(t.whopCalls.count(`${EXPERIENCES_API}/exp_creator1`), 'asked once only').to.equal(1);
  });

  it('answers 404 for an experience Whop does not know, and records nothing', async () => {
    expect((await view('exp_nosuchthing', member)).status).to.equal(404);
    expect(await rowOf('exp_nosuchthing')).to.equal(null);
  });

  it('never lets a later answer re-point a recorded experience at another company', async () => {
    // Connecting biz_creator1, Whop (here a forged answer) lists creator two's experience as its own.
    t.whopCalls.answerNext(1, /^\/api\/v1\/experiences\?.*company_id=biz_creator1/, {
      status: 200,
      body: {
        data: [
          {
            id: 'exp_creator2',
            name: 'Chronos',
            order: null,
            is_public: false,
            created_at: new Date().toISOString(),
            image: null,
            app: { id: t.config.whop.appId, name: 'Chronos', icon: null },
            company: { id: 'biz_creator1', title: 'Creator One', route: 'creator-one' },
          },
          {
            id: 'exp_stray',
            name: 'Chronos',
            order: null,
            is_public: false,
            created_at: new Date().toISOString(),
            image: null,
            app: { id: t.config.whop.appId, name: 'Chronos', icon: null },
            company: { id: 'biz_stranger', title: 'Stranger', route: 'stranger' },
          },
        ],
        page_info: { start_cursor: null, end_cursor: null, has_next_page: false, has_previous_page: false },
      },
    });
    await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1');
    expect(t.whopCalls.count(EXPERIENCES_API)).to.be.greaterThan(0);
    expect((await rowOf('exp_creator2'))!.companyId).to.equal('biz_creator2');
    expect(await rowOf('exp_stray'), 'an item of another company than the one asked about').to.equal(null);
    const refusal = logRecords(t.logLines).find((r) => String(r.msg).includes('recorded for another company'));
    expect(refusal, 'the refusal is logged').to.include({
      experienceId: 'exp_creator2',
      answeredCompanyId: 'biz_creator1',
    });

    // The same answer through the lookup path is refused too, and the member view is unchanged.
    const outcome = await t.runtime.deps.services.experienceRecords.record(
      { id: 'exp_creator2', company: { id: 'biz_creator1', title: 'Creator One' } },
      'lookup',
    );
    expect(outcome).to.deep.equal({ kind: 'refused', recordedCompanyId: 'biz_creator2' });
    const page = await view('exp_creator2', member);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Recorded lesson');
  });

  it('still refuses a member of one company the experience of another', async () => {
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
    const page = await view('exp_creator1', member);
    expect(page.status).to.equal(403);
    expect(page.html).not.to.contain('Recorded lesson');
  });

  it('keeps a recorded experience’s company fixed in the database itself', async () => {
    let error: unknown;
    try {
      await t.runtime.deps.sequelize.query(
        "UPDATE whop_experiences SET company_id = 'biz_creator1' WHERE experience_id = 'exp_creator2'",
      );
    } catch (caught) {
      error = caught;
    }
    expect(String((error as Error | undefined)?.message)).to.contain('cannot be moved');
    expect((await rowOf('exp_creator2'))!.companyId).to.equal('biz_creator2');
  });
});
