/**
 * The student limit, at database level: a student who joins at the tier's limit waits
 * `over_limit`; concurrent joins never pass the limit; waiting students become active oldest
 * first when there is room; a student already in stays in. (Access and ordering rules:
 * student-membership-rules.test.ts.)
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { ruleServices, testClock, type RuleServices } from '../../support/rule-services.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';
import { TIER_TABLE, type Tier } from '../../../src/domain/tier-table.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const FREE_LIMIT = TIER_TABLE.free.limits.students!;

describe('student service: the student limit (database level)', () => {
  let t: TestApp;
  let s: RuleServices;
  const clock = testClock(T0);

  before(async () => {
    t = await startTestApp();
    s = ruleServices(t, clock);
  });
  after(() => t.close());
  beforeEach(async () => {
    clock.set(T0);
    await cleanTables(t.runtime.deps.sequelize);
  });

  const creatorOn = async (tier: Tier) => makeFactories(t.runtime.deps.models).creator({ tier });
  const join = (creator: { id: number; whopCompanyId: string }, n: number, joinedAt = new Date(T0 - 86_400_000)) =>
    s.students.applyMembership(
      creator.id,
      toMembership(
        nestedMembership({
          id: `mem_${creator.id}_${n}`,
          company: creator.whopCompanyId,
          product: 'prod_course',
          user: `user_${creator.id}_${n}`,
          createdAt: joinedAt,
          updatedAt: new Date(T0),
        }),
      ),
    );
  const statuses = async (creatorId: number) => {
    const rows = await t.runtime.deps.models.Student.findAll({ where: { creatorId }, order: [['id', 'ASC']] });
    return rows.map((r) => r.status);
  };
  const count = async (creatorId: number, status: string) =>
    (await statuses(creatorId)).filter((x) => x === status).length;

  it('lets students in up to the tier limit; the next one waits over_limit, without access', async () => {
    const creator = await creatorOn('free');
    for (let n = 1; n <= FREE_LIMIT; n += 1) expect((await join(creator, n)).status, `student ${n}`).to.equal('active');
    const extra = await join(creator, FREE_LIMIT + 1);
    expect(extra.change).to.equal('created');
    expect(extra.status).to.equal('over_limit');
    expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    expect(await count(creator.id, 'over_limit')).to.equal(1);
  });

  it('never passes the limit under concurrency: parallel joins at the limit leave exactly `limit` active', async () => {
    const creator = await creatorOn('free');
    const joins = FREE_LIMIT + 12;
    const results = await Promise.all(Array.from({ length: joins }, (_, i) => join(creator, i + 1)));
    expect(results.filter((r) => r.status === 'active')).to.have.length(FREE_LIMIT);
    expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    expect(await count(creator.id, 'over_limit')).to.equal(joins - FREE_LIMIT);
  });

  it('keeps a student who is in active when their membership renews, even after a downgrade put the creator over the limit', async () => {
    const creator = await creatorOn('basic');
    for (let n = 1; n <= FREE_LIMIT + 2; n += 1) await join(creator, n);
    await creator.update({ tier: 'free' });
    clock.advance(1000);
    const renewed = await s.students.applyMembership(
      creator.id,
      toMembership(
        nestedMembership({
          id: `mem_${creator.id}_1`,
          company: creator.whopCompanyId,
          product: 'prod_course',
          user: `user_${creator.id}_1`,
          updatedAt: new Date(T0 + 1000),
        }),
      ),
    );
    expect(renewed.change).to.equal('updated');
    expect(renewed.status).to.equal('active');
    // A newcomer, though, waits.
    expect((await join(creator, 99)).status).to.equal('over_limit');
  });

  it('has no student limit on enterprise', async () => {
    const creator = await creatorOn('enterprise');
    const results = await Promise.all(Array.from({ length: FREE_LIMIT + 5 }, (_, i) => join(creator, i + 1)));
    expect(results.every((r) => r.status === 'active')).to.equal(true);
  });

  describe('activateUpToLimit', () => {
    it('activates waiting students oldest first, only as many as there is room for', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT; n += 1) await join(creator, n);
      // Three wait; they joined (on Whop) in the order 103, 101, 102.
      await join(creator, 101, new Date(T0 - 3000));
      await join(creator, 102, new Date(T0 - 2000));
      await join(creator, 103, new Date(T0 - 5000));
      expect(await count(creator.id, 'over_limit')).to.equal(3);
      // Two leave: room for two.
      for (const n of [1, 2]) {
        await s.students.applyMembership(
          creator.id,
          toMembership(
            nestedMembership({
              id: `mem_${creator.id}_${n}`,
              company: creator.whopCompanyId,
              product: 'prod_course',
              user: `user_${creator.id}_${n}`,
              status: 'canceled',
              updatedAt: new Date(T0 + 1000),
            }),
          ),
        );
      }
      expect(await s.students.activateUpToLimit(creator.id)).to.equal(2);
      const { Student } = t.runtime.deps.models;
      const stillWaiting = await Student.findAll({ where: { creatorId: creator.id, status: 'over_limit' } });
      expect(stillWaiting.map((w) => w.whopUserId)).to.deep.equal([`user_${creator.id}_102`]);
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    });

    it('activates nobody at the limit, and everybody waiting once the tier allows it', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 3; n += 1) await join(creator, n);
      expect(await s.students.activateUpToLimit(creator.id)).to.equal(0);
      expect(await count(creator.id, 'over_limit')).to.equal(3);
      await creator.update({ tier: 'basic' });
      expect(await s.students.activateUpToLimit(creator.id)).to.equal(3);
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT + 3);
    });

    it('activates everybody waiting on enterprise (no limit)', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 4; n += 1) await join(creator, n);
      await creator.update({ tier: 'enterprise' });
      expect(await s.students.activateUpToLimit(creator.id)).to.equal(4);
      expect(await count(creator.id, 'over_limit')).to.equal(0);
    });
  });

  it('ends a past_due student’s access only once the grace period has run out on the clock', async () => {
    const creator = await creatorOn('pro');
    const m = (status: string, at: number) =>
      toMembership(
        nestedMembership({
          id: 'mem_grace',
          company: creator.whopCompanyId,
          product: 'prod_course',
          user: 'user_grace',
          status,
          updatedAt: new Date(at),
        }),
      );
    await s.students.applyMembership(creator.id, m('active', T0));
    await s.students.applyMembership(creator.id, m('past_due', T0 + 1000));
    const graceMs = t.runtime.deps.config.gracePeriodDays * 86_400_000;
    // The grace period counts from when Chronos learned of the past_due (the clock: T0).
    clock.set(T0 + graceMs - 1);
    expect(await s.students.expireGracePeriods()).to.equal(0);
    expect(await statuses(creator.id)).to.deep.equal(['active']);
    clock.set(T0 + graceMs);
    expect(await s.students.expireGracePeriods()).to.equal(1);
    expect(await statuses(creator.id)).to.deep.equal(['inactive']);
    // Paid again, then past_due again: a fresh grace period, counted from the new past_due.
    await s.students.applyMembership(creator.id, m('active', T0 + 2000 + graceMs));
    await s.students.applyMembership(creator.id, m('past_due', T0 + 3000 + graceMs));
    expect(await statuses(creator.id)).to.deep.equal(['active']);
    expect(
      (await t.runtime.deps.models.Student.findOne({ where: { creatorId: creator.id } }))?.graceEndsAt?.getTime(),
    ).to.equal(T0 + 2 * graceMs);
  });
});
