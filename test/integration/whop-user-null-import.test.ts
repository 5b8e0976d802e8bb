/**
 * `user: null` (a member whose Whop account was deleted, or an unclaimed membership) never fails an
 * onboarding import or a reconciliation page: the sandbox serves such memberships from its REST API
 * (a user deleted through its control API), Chronos reads them over HTTP, imports and heals the
 * other members, and settles the user-less one with a logged reason instead of an error.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';

const COMPANY = 'biz_creator2';
const PRODUCT = 'prod_course2';
const OWNER = 'user_creator_pro';

describe('memberships without a user (user: null) in onboarding imports and reconciliation', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox({ env: { REDIS_PREFIX: `${runRedisPrefix}user-null:` } });
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  /** A member of `product` whose Whop account is then deleted: the sandbox serves the membership with `user: null`. */
  async function userlessMembership(username: string, product = PRODUCT): Promise<string> {
    const user = await t.control.createUser(username);
    const membership = await t.control.createMembership(user, product);
    await t.control.request('POST', `/users/${user}/delete`, {});
    return membership;
  }

  /** Structured log entries (pino JSON) that name `membershipId`. */
  const logEntriesAbout = (membershipId: string) =>
    t.logLines
      .map((line) => JSON.parse(line) as { level: number; membershipId?: string })
      .filter((entry) => entry.membershipId === membershipId);

  const student = (where: Record<string, unknown>) => t.runtime.deps.models.Student.findOne({ where });

  it('imports the other members at onboarding and settles the user-less membership with a logged reason', async () => {
    const alice = await t.control.createUser('nulltest_alice');
    const bob = await t.control.createUser('nulltest_bob');
    await t.control.createMembership(alice, PRODUCT);
    await t.control.createMembership(bob, PRODUCT);
    const orphan = await userlessMembership('nulltest_gone');
    // The sandbox really serves it without a user, as Whop does for a deleted account.
    const served = (
      await t.control.request<{ data: { id: string; user: unknown }[] }>('GET', `/memberships?company=${COMPANY}`)
    ).data.find((m) => m.id === orphan);
    expect(served?.user, 'the sandbox serves user: null').to.equal(null);

    // (a) the import the onboarding page runs.
    await onboard(t, await t.signIn(OWNER), COMPANY, OWNER);
    const { Creator, ReconciliationRun, Student } = t.runtime.deps.models;
    const creator = await Creator.findOne({ where: { whopCompanyId: COMPANY } });
    expect(creator, 'onboarded').to.not.equal(null);
    const importRun = await ReconciliationRun.findOne({ where: { trigger: 'onboarding' } });
    expect(importRun?.status).to.equal('succeeded');
    expect(importRun?.error).to.equal(null);
    expect(importRun?.summary).to.deep.include({ memberships: 3, studentsCreated: 2, errors: [] });
    expect((await student({ whopUserId: alice }))?.status).to.equal('active');
    expect((await student({ whopUserId: bob }))?.status).to.equal('active');
    expect(
      await Student.count({ where: { creatorId: creator!.id } }),
      'no student for the user-less membership',
    ).to.equal(2);
    expect(await Student.count({ where: { whopMembershipId: orphan } })).to.equal(0);
    const settled = logEntriesAbout(orphan);
    expect(settled, 'the user-less membership is settled with a logged reason').to.not.deep.equal([]);
    expect(
      settled.every((entry) => entry.level < 40),
      'logged as information, not as a warning or an error',
    ).to.equal(true);

    // The service itself, run again (what "Check again" / a takeover does): same result, no error.
    const again = await t.runtime.deps.services.onboarding.importMembers(creator!);
    expect(again).to.deep.include({ memberships: 3, active: 2 });
  });

  it('lets a reconciliation page with user-less memberships succeed, heals the other members and settles the rest', async () => {
    const alice = await t.control.createUser('nulltest_alice');
    const bob = await t.control.createUser('nulltest_bob');
    const aliceMembership = await t.control.createMembership(alice, PRODUCT);
    const bobMembership = await t.control.createMembership(bob, PRODUCT);
    await onboard(t, await t.signIn(OWNER), COMPANY, OWNER);
    expect((await student({ whopUserId: alice }))?.status).to.equal('active');

    // Meanwhile on Whop (webhooks missed): Alice's account is deleted and her membership ends, Bob's is
    // canceled, Carol joins, and two more memberships lose their user: one of the creator's course and
    // one of a Chronos plan.
    await t.control.setStatus(aliceMembership, 'canceled');
    await t.control.request('POST', `/users/${alice}/delete`, {});
    await t.control.setStatus(bobMembership, 'canceled');
    const carol = await t.control.createUser('nulltest_carol');
    await t.control.createMembership(carol, PRODUCT);
    const orphan = await userlessMembership('nulltest_gone');
    const orphanPlan = await userlessMembership('nulltest_gone_plan', 'prod_basic');
    await t.runtime.deps.models.WebhookEvent.destroy({ where: {} });

    const run = await t.runtime.deps.services.reconciliation.run('admin');
    expect(run?.status, run?.error ?? '').to.equal('succeeded');
    expect(run?.error).to.equal(null);
    expect(run?.summary).to.deep.include({ errors: [], unreconciled: [], skipped: [] });
    // Alice's membership now has no user: her student is found through the membership id and healed.
    const aliceStudent = await student({ whopMembershipId: aliceMembership });
    expect(aliceStudent?.whopUserId).to.equal(alice);
    expect(aliceStudent?.status).to.equal('inactive');
    expect(aliceStudent?.membershipStatus).to.equal('canceled');
    expect((await student({ whopUserId: bob }))?.status).to.equal('inactive');
    expect((await student({ whopUserId: carol }))?.status).to.equal('active');
    expect(await t.runtime.deps.models.Student.count({ where: { whopMembershipId: orphan } })).to.equal(0);
    expect(await t.runtime.deps.models.PlanMembership.count({ where: { whopMembershipId: orphanPlan } })).to.equal(0);
    for (const id of [orphan, orphanPlan]) {
      const settled = logEntriesAbout(id);
      expect(settled, `${id} settled with a logged reason`).to.not.deep.equal([]);
      expect(settled.every((entry) => entry.level < 40)).to.equal(true);
    }
  });
});
