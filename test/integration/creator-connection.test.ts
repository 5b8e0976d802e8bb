import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { onboard, pickCompany, setCompanyAdmins } from '../support/onboarding.ts';
import { insertVideo } from '../support/videos.ts';

describe('a creator’s standing with Whop after onboarding', () => {
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  const creatorOf = (companyId: string) =>
    t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: companyId } });
  const reconcile = async () => (await t.runtime.deps.services.reconciliation.run('admin'))!;
  const adminPage = async () => (await (await t.signIn('user_admin')).get(`${t.appUrl}/admin/webhooks`)).text;
  /** A video of the company's creator, as an upload leaves it. */
  const addVideo = async (companyId: string, title: string) =>
    insertVideo(t.runtime.deps.sequelize, (await creatorOf(companyId))!.id, { title });

  describe('uninstalling the app', () => {
    let creator: TestBrowser;
    beforeEach(async () => {
      creator = await t.signIn('user_creator_free');
      await onboard(t, creator, 'biz_creator1', 'user_creator_free');
      await onboard(t, await t.signIn('user_creator_pro'), 'biz_creator2', 'user_creator_pro');
    });

    it('marks the company disconnected: reconciliation skips it without failing, the dashboard says how to reconnect, the admin page lists it', async () => {
      await t.control.uninstall('biz_creator1');
      const newcomer = await t.control.createUser('newcomer');
      await t.control.createMembership(newcomer, 'prod_course2');
      const run = await reconcile();
      expect(run.status).to.equal('succeeded');
      expect(run.summary.skipped).to.deep.equal([
        { companyId: 'biz_creator1', reason: 'Chronos is not installed on it (Whop answers 403): disconnected' },
      ]);
      expect(run.summary.studentsCreated).to.equal(1); // biz_creator2 was reconciled as usual
      const row = await creatorOf('biz_creator1');
      expect(row?.connection).to.equal('disconnected');
      expect(row?.disconnectedAt).to.be.instanceOf(Date);
      expect((await creatorOf('biz_creator2'))?.connection).to.equal('connected');

      const dashboard = (await creator.get(`${t.appUrl}/dashboard`)).text;
      expect(dashboard).to.contain('Chronos is disconnected from Creator One Academy');
      expect(dashboard).to.contain(`href="${t.sandbox.url}/sandbox/apps/${t.config.whop.appId}/install"`);
      expect(dashboard).to.contain('action="/dashboard/connection"');
      expect((await t.signIn('user_creator_pro').then((b) => b.get(`${t.appUrl}/dashboard`))).text).to.not.contain(
        'Chronos is disconnected',
      );

      const admin = await adminPage();
      expect(admin).to.contain('id="disconnected-companies"');
      expect(admin.slice(admin.indexOf('id="disconnected-companies"')))
        .to.contain('biz_creator1')
        .and.not.contain('biz_creator2');
    });

    it('reconnects on "Check again" once the app is installed again, and not before', async () => {
      await t.control.uninstall('biz_creator1');
      await reconcile();
      const csrf = formField((await creator.get(`${t.appUrl}/dashboard`)).text, '_csrf')!;
      const early = await creator.post(`${t.appUrl}/dashboard/connection`, { _csrf: csrf });
      expect(early.location).to.equal(`${t.appUrl}/dashboard`);
      expect((await creator.get(`${t.appUrl}/dashboard`)).text).to.contain(
        'Whop still says Chronos is not installed on Creator One Academy',
      );
      expect((await creatorOf('biz_creator1'))?.connection).to.equal('disconnected');

      expect((await creator.post(`${t.appUrl}/dashboard/connection`, {})).status).to.equal(403);
      await t.control.install('biz_creator1', 'user_creator_free');
      await creator.post(`${t.appUrl}/dashboard/connection`, { _csrf: csrf });
      const after = (await creator.get(`${t.appUrl}/dashboard`)).text;
      expect(after).to.contain('Reconnected');
      expect(after).to.not.contain('Chronos is disconnected');
      const row = await creatorOf('biz_creator1');
      expect(row?.connection).to.equal('connected');
      expect(row?.disconnectedAt).to.equal(null);
    });

    it('is reconnected by reconciliation when the app was installed again', async () => {
      await t.control.uninstall('biz_creator1');
      await reconcile();
      await t.control.setStatus(
        (await t.control.memberships()).find((m) => m.user.id === 'user_student1' && m.product.id === 'prod_course1')!
          .id,
        'expired',
      );
      await t.control.install('biz_creator1', 'user_creator_free');
      const run = await reconcile();
      expect(run.status).to.equal('succeeded');
      expect(run.summary.skipped).to.deep.equal([]);
      expect((await creatorOf('biz_creator1'))?.connection).to.equal('connected');
      const student = await t.runtime.deps.models.Student.findOne({
        where: { whopUserId: 'user_student1', creatorId: (await creatorOf('biz_creator1'))!.id },
      });
      expect(student?.status).to.equal('inactive');
      expect(await adminPage()).to.not.contain('id="disconnected-companies"');
    });
  });

  describe('admin rights changing on Whop', () => {
    let formerAdmin: TestBrowser;
    let newAdminId: string;
    beforeEach(async () => {
      formerAdmin = await t.signIn('user_creator_free');
      await onboard(t, formerAdmin, 'biz_creator1', 'user_creator_free');
      await addVideo('biz_creator1', 'Kept lesson');
      newAdminId = await t.control.createUser('new_admin');
    });

    it('locks out a former admin at their next sign-in, and lets a current admin take the creator over with its data', async () => {
      const { Creator, Student, User, Video } = t.runtime.deps.models;
      const before = (await creatorOf('biz_creator1'))!;
      setCompanyAdmins(t, 'biz_creator1', [newAdminId]);

      const again = await t.signIn('user_creator_free');
      const page = await again.get(`${t.appUrl}/dashboard`);
      expect(page.text).to.contain('Set up Chronos');
      expect(page.text).to.contain('You are no longer an admin of Creator One Academy on Whop');
      expect(JSON.parse((await again.get(`${t.appUrl}/api/me`)).text).role).to.equal('member');
      expect((await again.get(`${t.appUrl}/dashboard/videos`)).status).to.equal(403);
      expect((await creatorOf('biz_creator1'))?.ownerAccess).to.equal('revoked');
      const waiting = await adminPage();
      expect(waiting).to.contain('Owner is no longer an admin on Whop');

      const newAdmin = await t.signIn(newAdminId);
      const picker = await newAdmin.get(`${t.appUrl}/onboarding`);
      expect(picker.text).to.contain('Creator One Academy');
      const answer = await pickCompany(t, newAdmin, 'biz_creator1');
      expect(answer.status).to.equal(303);
      const dashboard = (await newAdmin.get(`${t.appUrl}/dashboard`)).text;
      expect(dashboard).to.contain('You now run Creator One Academy on Chronos');
      expect(dashboard).to.contain('Kept lesson');

      const after = (await creatorOf('biz_creator1'))!;
      const owner = await User.findOne({ where: { whopUserId: newAdminId } });
      expect(after.id).to.equal(before.id);
      expect(await Creator.count()).to.equal(1);
      expect(after.ownerUserId).to.equal(owner!.id);
      expect(after.previousOwnerUserId).to.equal(before.ownerUserId);
      expect(after.ownerAccess).to.equal('admin');
      expect(await Student.count({ where: { creatorId: before.id } })).to.equal(2);
      expect(await Video.count({ where: { creatorId: before.id } })).to.equal(1);
      expect(JSON.parse((await formerAdmin.get(`${t.appUrl}/api/me`)).text).role).to.equal('member');

      const admin = await adminPage();
      expect(admin).to.contain('Taken over by a current admin');
      expect(admin.slice(admin.indexOf('id="owner-changes"')))
        .to.contain('creator_free')
        .and.contain('new_admin');
    });

    it('notices lost rights in reconciliation too: the former admin’s open session loses the dashboard', async () => {
      setCompanyAdmins(t, 'biz_creator1', [newAdminId]);
      expect((await formerAdmin.get(`${t.appUrl}/dashboard`)).text).to.contain('Kept lesson');
      const run = await reconcile();
      expect(run.status).to.equal('succeeded');
      expect((await creatorOf('biz_creator1'))?.ownerAccess).to.equal('revoked');
      const page = (await formerAdmin.get(`${t.appUrl}/dashboard`)).text;
      expect(page).to.contain('You are no longer an admin of Creator One Academy on Whop');
      expect(page).to.not.contain('Kept lesson');
    });

    it('gives the creator back to its owner when Whop makes them an admin again', async () => {
      setCompanyAdmins(t, 'biz_creator1', [newAdminId]);
      await reconcile();
      setCompanyAdmins(t, 'biz_creator1', ['user_creator_free']);
      const again = await t.signIn('user_creator_free');
      const dashboard = (await again.get(`${t.appUrl}/dashboard`)).text;
      expect(dashboard).to.contain('Kept lesson');
      const row = await creatorOf('biz_creator1');
      expect(row?.ownerAccess).to.equal('admin');
      expect(row?.previousOwnerUserId).to.equal(null);
    });
  });
});
