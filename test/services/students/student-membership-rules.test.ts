/**
 * The access and ordering rules for students, at database level, with an injected clock:
 * the status → access table (completed grants; past_due keeps access for the grace period
 * only), out-of-order changes in both payload generations, deletions obeying the same rules as
 * deactivations, and memberships without a user (`user: null`).
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { createStudentService, type StudentService } from '../../../src/services/students/student-service.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { MEMBERSHIP_ACCESS } from '../../../src/services/whop/membership-access.ts';
import { flatMembership, nestedMembership, type MembershipFields } from '../../fixtures/whop/memberships.ts';
import { whopId } from '../../fixtures/whop/ids.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('student access and ordering rules (database level)', () => {
  let t: TestApp;
  let clock: number;
  let students: StudentService;
  let creatorId: number;

  before(async () => {
    t = await startTestApp();
    students = createStudentService({
      sequelize: t.runtime.deps.sequelize,
      models: t.runtime.deps.models,
      gracePeriodDays: 3,
      now: () => clock,
    });
  });
  after(() => t.close());
  beforeEach(async () => {
    clock = T0;
    await cleanTables(t.runtime.deps.sequelize);
    const { User, Creator } = t.runtime.deps.models;
    const owner = await User.create({
      whopUserId: 'user_owner',
      username: 'owner',
      name: null,
      email: null,
      avatarUrl: null,
      lastLoginAt: null,
    });
    creatorId = (
      await Creator.create({
        whopCompanyId: 'biz_rules',
        companyName: 'Rules',
        ownerUserId: owner.id,
        tier: 'pro',
        tierSourceMembershipId: null,
        tierUpdatedAt: new Date(),
        gracePeriodEndsAt: null,
      })
    ).id;
  });

  const nested = (f: Partial<MembershipFields> & { updatedAt: Date }) =>
    toMembership(nestedMembership({ company: 'biz_rules', product: 'prod_rules', user: 'user_s1', ...f }));
  /** The flat shape has no updated_at: the envelope's timestamp is its ordering key. */
  const flat = (f: Partial<MembershipFields>, sentAt: Date) =>
    toMembership(flatMembership({ company: 'biz_rules', product: 'prod_rules', user: 'user_s1', ...f }), {
      eventTime: sentAt,
    });
  const row = () => t.runtime.deps.models.Student.findOne({ where: { creatorId, whopUserId: 'user_s1' } });

  it('grants access by the one status table: active, trialing, canceling, completed; not canceled, expired, unresolved, drafted', async () => {
    expect(
      Object.entries(MEMBERSHIP_ACCESS)
        .filter(([, a]) => a === 'grants')
        .map(([s]) => s)
        .sort(),
    ).to.deep.equal(['active', 'canceling', 'completed', 'trialing']);
    let at = T0;
    for (const [status, expected] of [
      ['completed', 'active'],
      ['canceled', 'inactive'],
      ['trialing', 'active'],
      ['expired', 'inactive'],
      ['canceling', 'active'],
      ['unresolved', 'inactive'],
      ['active', 'active'],
      ['drafted', 'inactive'],
      ['paused_someday', 'inactive'],
    ] as const) {
      at += 1000;
      await students.applyMembership(creatorId, nested({ id: 'mem_one', status, updatedAt: new Date(at) }));
      expect((await row())?.status, status).to.equal(expected);
    }
  });

  it('keeps a past_due student in for the grace period only, counted from when it went past_due', async () => {
    await students.applyMembership(creatorId, nested({ id: 'mem_one', updatedAt: new Date(T0) }));
    await students.applyMembership(
      creatorId,
      nested({ id: 'mem_one', status: 'past_due', updatedAt: new Date(T0 + 1000) }),
    );
    expect((await row())?.status).to.equal('active');
    clock = T0 + 2 * DAY;
    // A second past_due notice does not restart the grace period.
    await students.applyMembership(
      creatorId,
      nested({ id: 'mem_one', status: 'past_due', updatedAt: new Date(T0 + 2 * DAY) }),
    );
    expect(await students.expireGracePeriods()).to.equal(0);
    clock = T0 + 3 * DAY + 1000;
    expect(await students.expireGracePeriods()).to.equal(1);
    expect((await row())?.status).to.equal('inactive');
    // Paid after all: access again, grace cleared.
    await students.applyMembership(creatorId, nested({ id: 'mem_one', status: 'active', updatedAt: new Date(clock) }));
    const s = await row();
    expect(s?.status).to.equal('active');
    expect(s?.graceEndsAt).to.equal(null);
  });

  for (const shape of ['nested', 'flat'] as const) {
    it(`applies a ${shape} change only if it is not older than what is stored (${shape === 'nested' ? 'updated_at' : 'the envelope timestamp'})`, async () => {
      const at = (ms: number) =>
        shape === 'nested'
          ? nested({ id: 'mem_one', status: ms === 2000 ? 'canceled' : 'active', updatedAt: new Date(T0 + ms) })
          : flat({ id: 'mem_one', status: ms === 2000 ? 'canceled' : 'active' }, new Date(T0 + ms));
      expect((await students.applyMembership(creatorId, at(2000))).change).to.equal('created');
      expect((await students.applyMembership(creatorId, at(1000))).change).to.equal('stale');
      expect((await row())?.status).to.equal('inactive');
      expect((await students.applyMembership(creatorId, at(3000))).change).to.equal('updated');
      expect((await row())?.status).to.equal('active');
    });
  }

  it('lets another membership keep a student in when one that is not theirs ends', async () => {
    await students.applyMembership(creatorId, nested({ id: 'mem_main', updatedAt: new Date(T0) }));
    expect(
      (
        await students.applyMembership(
          creatorId,
          nested({ id: 'mem_other', status: 'expired', updatedAt: new Date(T0 + 1000) }),
        )
      ).change,
    ).to.equal('unchanged');
    expect((await row())?.status).to.equal('active');
  });

  describe('deletion (membership.deleted) obeys the deactivation rules', () => {
    it('an older deletion is stale, a deletion of another membership keeps the student, the own one archives', async () => {
      await students.applyMembership(creatorId, nested({ id: 'mem_main', updatedAt: new Date(T0) }));
      expect(
        (
          await students.archiveMembership(
            creatorId,
            nested({ id: 'mem_main', status: 'canceled', updatedAt: new Date(T0 - 1000) }),
          )
        ).outcome,
      ).to.equal('stale');
      expect(
        (
          await students.archiveMembership(
            creatorId,
            flat({ id: 'mem_other', status: 'canceled' }, new Date(T0 + 1000)),
          )
        ).outcome,
      ).to.equal('kept');
      expect((await row())?.status).to.equal('active');
      expect(
        (
          await students.archiveMembership(
            creatorId,
            nested({ id: 'mem_main', status: 'canceled', updatedAt: new Date(T0 + 2000) }),
          )
        ).outcome,
      ).to.equal('archived');
      expect((await row())?.status).to.equal('archived');
    });

    it('a deletion of a membership nobody holds changes nothing', async () => {
      expect(
        (await students.archiveMembership(creatorId, nested({ id: whopId('mem'), updatedAt: new Date(T0) }))).outcome,
      ).to.equal('none');
      expect(await t.runtime.deps.models.Student.count()).to.equal(0);
    });
  });

  describe('user: null (deleted account, unclaimed membership)', () => {
    it('is matched through the membership id, then the member id; otherwise settled as unmatched, nothing written', async () => {
      const memberId = whopId('mber');
      await students.applyMembership(creatorId, nested({ id: 'mem_main', memberId, updatedAt: new Date(T0) }));
      expect(
        (
          await students.applyMembership(
            creatorId,
            nested({ id: 'mem_main', memberId, user: null, status: 'canceled', updatedAt: new Date(T0 + 1000) }),
          )
        ).change,
      ).to.equal('updated');
      expect((await row())?.status).to.equal('inactive');
      expect(
        (
          await students.applyMembership(
            creatorId,
            nested({ id: 'mem_new', memberId, user: null, status: 'active', updatedAt: new Date(T0 + 2000) }),
          )
        ).change,
      ).to.equal('updated');
      expect((await row())?.status).to.equal('active');
      const stranger = await students.applyMembership(creatorId, flat({ id: whopId('mem'), user: null }, new Date(T0)));
      expect(stranger.change).to.equal('unmatched');
      expect(await t.runtime.deps.models.Student.count()).to.equal(1);
    });
  });
});
