/**
 * The creator's tier from their Chronos plan memberships, at database level: the stored plan
 * memberships decide the tier; an older change of a plan membership never wins; an upgrade
 * lets waiting students in; during a billing grace period a drop is held, and applied when the
 * grace period ends (on an injected clock).
 */
import { expect } from 'chai';
import { DAY_MS } from '../../support/rule-services.ts';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';
import type { Tier } from '../../../src/domain/tier-table.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('creator tier service (database level)', () => {
  const bed = useRuleTestBed(T0);
  const { clock } = bed;

  async function creatorWithOwner(tier: Tier = 'free') {
    const f = bed.factories();
    const owner = await f.user();
    const creator = await f.creator({ ownerUserId: owner.id, tier });
    return { owner, creator };
  }
  const plan = (user: string, tier: Exclude<Tier, 'free'>, status: string, at: number, id = `mem_plan_${user}`) =>
    toMembership(
      nestedMembership({
        id,
        company: bed.config.whop.companyId,
        product: bed.planProductOf(tier),
        user,
        status,
        updatedAt: new Date(at),
      }),
    );
  const reload = async (id: number) => (await bed.models.Creator.findByPk(id))!;

  it('gives the creator the best tier among their valid plan memberships, and free when none is valid', async () => {
    const { owner, creator } = await creatorWithOwner();
    await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'basic', 'active', T0, 'mem_basic'));
    await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'active', T0, 'mem_pro'));
    expect(await bed.rules.tiers.applyStoredPlan(creator, owner.whopUserId)).to.deep.equal({
      before: 'free',
      after: 'pro',
      deferred: false,
    });
    const stored = await reload(creator.id);
    expect(stored.tier).to.equal('pro');
    expect(stored.tierSourceMembershipId).to.equal('mem_pro');
    expect(stored.tierUpdatedAt?.getTime()).to.equal(T0);
    await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'canceled', T0 + 1000, 'mem_pro'));
    expect((await bed.rules.tiers.applyStoredPlan(stored, owner.whopUserId)).after).to.equal('basic');
    await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'basic', 'expired', T0 + 2000, 'mem_basic'));
    expect((await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).after).to.equal('free');
    expect((await reload(creator.id)).tierSourceMembershipId).to.equal(null);
  });

  it('never lets an older change of a plan membership win over a newer one', async () => {
    const { owner, creator } = await creatorWithOwner();
    expect(await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'active', T0 + 2000))).to.equal(
      'stored',
    );
    expect(await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'canceled', T0 + 1000))).to.equal(
      'stale',
    );
    expect((await bed.models.PlanMembership.findByPk(`mem_plan_${owner.whopUserId}`))?.status).to.equal('active');
    expect((await bed.rules.tiers.applyStoredPlan(creator, owner.whopUserId)).after).to.equal('pro');
    // The same moment again is not older: it is applied (a redelivery, or Whop's two events of one change).
    expect(await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'canceled', T0 + 2000))).to.equal(
      'stored',
    );
    expect((await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).after).to.equal('free');
  });

  it('lets waiting students in when the tier goes up', async () => {
    const { owner, creator } = await creatorWithOwner('free');
    const { Student } = bed.models;
    for (let n = 0; n < 12; n += 1) {
      await Student.create({
        creatorId: creator.id,
        whopUserId: `user_s${n}`,
        username: null,
        whopMembershipId: `mem_s${n}`,
        status: n < 10 ? 'active' : 'over_limit',
        membershipStatus: 'active',
        membershipUpdatedAt: new Date(T0),
        joinedAt: new Date(T0 + n),
      } as never);
    }
    await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'basic', 'active', T0));
    await bed.rules.tiers.applyStoredPlan(creator, owner.whopUserId);
    expect(await Student.count({ where: { creatorId: creator.id, status: 'over_limit' } })).to.equal(0);
  });

  describe('across a billing grace period', () => {
    it('holds the tier while the grace period runs, and drops it to what the plan says when it ends', async () => {
      const { owner, creator } = await creatorWithOwner();
      await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'active', T0));
      await bed.rules.tiers.applyStoredPlan(creator, owner.whopUserId);
      const graceMs = bed.config.gracePeriodDays * DAY_MS;
      await bed.inTransaction((tx) => bed.rules.grace.start(creator, tx));
      expect((await reload(creator.id)).gracePeriodEndsAt?.getTime()).to.equal(T0 + graceMs);

      clock.advance(DAY_MS);
      await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'canceled', T0 + DAY_MS));
      expect(await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).to.deep.equal({
        before: 'pro',
        after: 'pro',
        deferred: true,
      });
      expect((await reload(creator.id)).tier).to.equal('pro');
      const held = bed.rules
        .logRecords()
        .filter((r) => 'planSays' in r)
        .at(-1);
      expect(held).to.include({ creatorId: creator.id, kept: 'pro', planSays: 'free' });

      clock.set(T0 + graceMs - 1);
      expect(await bed.rules.grace.applyExpired()).to.equal(0);
      expect((await reload(creator.id)).tier).to.equal('pro');

      clock.set(T0 + graceMs);
      expect(await bed.rules.grace.applyExpired()).to.equal(1);
      const after = await reload(creator.id);
      expect(after.tier).to.equal('free');
      expect(after.billingStatus).to.equal('ok');
      expect(after.gracePeriodEndsAt).to.equal(null);
      expect(
        bed.rules
          .logRecords()
          .filter((r) => 'from' in r && 'to' in r)
          .at(-1),
      ).to.include({ creatorId: creator.id, from: 'pro', to: 'free' });
    });

    it('holds nothing from the moment the grace period ends', async () => {
      const { owner, creator } = await creatorWithOwner('pro');
      await bed.inTransaction((tx) => bed.rules.grace.start(creator, tx));
      const endsAt = (await reload(creator.id)).gracePeriodEndsAt!.getTime();
      clock.set(endsAt - 1);
      expect((await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).deferred).to.equal(
        true,
      );
      clock.set(endsAt);
      expect(await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).to.deep.equal({
        before: 'pro',
        after: 'free',
        deferred: false,
      });
    });

    it('does not hold a rise: an upgrade applies at once during a grace period', async () => {
      const { owner, creator } = await creatorWithOwner('basic');
      await bed.inTransaction((tx) => bed.rules.grace.start(creator, tx));
      await bed.rules.tiers.recordPlanMembership(plan(owner.whopUserId, 'pro', 'active', T0));
      expect(await bed.rules.tiers.applyStoredPlan(await reload(creator.id), owner.whopUserId)).to.deep.equal({
        before: 'basic',
        after: 'pro',
        deferred: false,
      });
    });
  });
});
