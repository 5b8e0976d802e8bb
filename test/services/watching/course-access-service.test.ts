/**
 * Who may watch, at database level: the creator (preview), their `active` students; not
 * `over_limit` students (the reason says why), not students whose membership ended (the renew
 * link is the membership's `manage_url`, stored from Whop's membership object), not anyone else.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { ruleServices, testClock, type RuleServices } from '../../support/rule-services.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';
import type { Creator } from '../../../src/models/creator-model.ts';

const T0 = Date.parse('2026-12-06T12:00:00Z');
const MANAGE = 'https://whop.com/orders/manage';

describe('course access (database level)', () => {
  let t: TestApp;
  let s: RuleServices;
  let creator: Creator;
  const clock = testClock(T0);
  const courses = () => t.runtime.deps.services.courses;

  before(async () => {
    t = await startTestApp();
    s = ruleServices(t, clock);
  });
  after(() => t.close());
  beforeEach(async () => {
    clock.set(T0);
    await cleanTables(t.runtime.deps.sequelize);
    creator = await makeFactories(t.runtime.deps.models).creator({ tier: 'free' });
  });

  /** Applies a membership of `user` with `status` the way webhooks and reconciliation do. */
  const membership = (user: string, status: string, extra: Record<string, unknown> = {}, at = T0) =>
    s.students.applyMembership(
      creator.id,
      toMembership({
        ...nestedMembership({
          id: `mem_${user}`,
          company: creator.whopCompanyId,
          product: 'prod_course',
          user,
          status,
          createdAt: new Date(T0 - 86_400_000),
          updatedAt: new Date(at),
        }),
        ...extra,
      }),
    );
  const accessOf = (whopUserId: string, creatorId: number | null = null) =>
    courses().accessTo({ whopUserId, creatorId }, creator);

  it('lets the creator in to preview, whatever their student rows say', async () => {
    expect(await accessOf('user_owner', creator.id)).to.deep.equal({ kind: 'owner' });
  });

  it('lets an active student in, a past_due one too during the grace period', async () => {
    const a = await membership('user_a', 'active');
    const b = await membership('user_b', 'past_due');
    expect(await accessOf('user_a')).to.deep.equal({ kind: 'student', studentId: a.studentId });
    expect(await accessOf('user_b')).to.deep.equal({ kind: 'student', studentId: b.studentId });
  });

  it('refuses someone who is not a member of this creator, another creator’s student included', async () => {
    const other = await makeFactories(t.runtime.deps.models).creator();
    await t.runtime.deps.models.Student.create({
      creatorId: other.id,
      whopUserId: 'user_elsewhere',
      whopMembershipId: 'mem_elsewhere',
      whopProductId: 'prod_other',
      status: 'active',
      membershipStatus: 'active',
      membershipUpdatedAt: new Date(T0),
    });
    const access = await accessOf('user_elsewhere');
    expect(access).to.deep.include({ kind: 'refused', refusal: 'not_member', renewUrl: null });
  });

  it('refuses an over-limit student with the reason and no renew link', async () => {
    await membership('user_a', 'active');
    await t.runtime.deps.models.Student.update({ status: 'over_limit' }, { where: { whopUserId: 'user_a' } });
    const access = await accessOf('user_a');
    expect(access).to.deep.include({ kind: 'refused', refusal: 'over_limit', renewUrl: null });
    expect(access.kind === 'refused' && access.reason).to.contain('student limit');
  });

  it('refuses a student whose membership ended, with the manage_url Whop sent as the renew link', async () => {
    await membership('user_a', 'active', { manage_url: MANAGE });
    // A later membership object without manage_url keeps the stored one.
    await membership('user_a', 'expired', { manage_url: null }, T0 + 1000);
    const access = await accessOf('user_a');
    expect(access).to.deep.equal({
      kind: 'refused',
      refusal: 'ended',
      reason: 'Your Whop membership is expired. Renew it on Whop to get access again.',
      renewUrl: MANAGE,
    });
  });

  it('never stores a manage_url that is not an http(s) link', async () => {
    await membership('user_a', 'expired', { manage_url: 'javascript:alert(1)' });
    const access = await accessOf('user_a');
    expect(access).to.deep.include({ kind: 'refused', refusal: 'ended', renewUrl: null });
  });

  it('finds creators only by a Whop company id', async () => {
    expect((await courses().creatorByCompany(creator.whopCompanyId))?.id).to.equal(creator.id);
    expect(await courses().creatorByCompany('biz_unknown')).to.equal(null);
    expect(await courses().creatorByCompany("biz_x' OR '1'='1")).to.equal(null);
  });
});
