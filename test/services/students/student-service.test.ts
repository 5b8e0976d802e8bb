/**
 * The student limit, at database level: a student who joins at the tier's limit waits
 * `over_limit`; concurrent joins never pass the limit; a freed seat, or a raised limit, goes to
 * the earliest waiting students at once; a lowered limit leaves the seats to the earliest joiners. (Access and ordering rules:
 * student-membership-rules.test.ts.)
 */
import { expect } from 'chai';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';
import { TIER_TABLE, type Tier } from '../../../src/domain/tier-table.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const FREE_LIMIT = TIER_TABLE.free.limits.students!;

describe('student service: the student limit (database level)', () => {
  const bed = useRuleTestBed(T0);
  const { clock } = bed;

  const creatorOn = async (tier: Tier) => bed.factories().creator({ tier });
  // Student n joined on Whop n seconds after the first day's start: join order is n's order.
  const join = (
    creator: { id: number; whopCompanyId: string },
    n: number,
    joinedAt = new Date(T0 - 86_400_000 + n * 1000),
  ) =>
    bed.rules.students.applyMembership(
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
    const rows = await bed.models.Student.findAll({ where: { creatorId }, order: [['id', 'ASC']] });
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
    // Each answer says the status at its own moment: a later-arriving earlier joiner may unseat
    // someone seated a moment before. The rows at the end are the truth, and they go by join time.
    await Promise.all(Array.from({ length: joins }, (_, i) => join(creator, i + 1)));
    const rows = await bed.models.Student.findAll({ where: { creatorId: creator.id } });
    const byJoinTime = rows.sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime()).map((r) => r.status);
    expect(byJoinTime).to.deep.equal([
      ...Array<string>(FREE_LIMIT).fill('active'),
      ...Array<string>(joins - FREE_LIMIT).fill('over_limit'),
    ]);
    expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    expect(await count(creator.id, 'over_limit')).to.equal(joins - FREE_LIMIT);
  });

  it('after a downgrade the earliest joiners keep the seats, a renewal changes nothing, a newcomer waits', async () => {
    const creator = await creatorOn('basic');
    for (let n = 1; n <= FREE_LIMIT + 2; n += 1) await join(creator, n);
    await creator.update({ tier: 'free' });
    const changes = await bed.rules.students.reassignSeats(creator.id);
    expect(changes.seated).to.deep.equal([]);
    expect(changes.unseated).to.have.length(2);
    expect(await statuses(creator.id)).to.deep.equal([
      ...Array<string>(FREE_LIMIT).fill('active'),
      'over_limit',
      'over_limit',
    ]);
    clock.advance(1000);
    const renewed = await bed.rules.students.applyMembership(
      creator.id,
      toMembership(
        nestedMembership({
          id: `mem_${creator.id}_1`,
          company: creator.whopCompanyId,
          product: 'prod_course',
          user: `user_${creator.id}_1`,
          createdAt: new Date(T0 - 86_400_000 + 1000),
          updatedAt: new Date(T0 + 1000),
        }),
      ),
    );
    expect(renewed.change).to.equal('updated');
    expect(renewed.status).to.equal('active');
    expect((await join(creator, 99)).status).to.equal('over_limit');
  });

  it('has no student limit on enterprise', async () => {
    const creator = await creatorOn('enterprise');
    const results = await Promise.all(Array.from({ length: FREE_LIMIT + 5 }, (_, i) => join(creator, i + 1)));
    expect(results.every((r) => r.status === 'active')).to.equal(true);
  });

  describe('seats', () => {
    const cancel = (creator: { id: number; whopCompanyId: string }, n: number) =>
      bed.rules.students.applyMembership(
        creator.id,
        toMembership(
          nestedMembership({
            id: `mem_${creator.id}_${n}`,
            company: creator.whopCompanyId,
            product: 'prod_course',
            user: `user_${creator.id}_${n}`,
            createdAt: new Date(T0 - 86_400_000 + n * 1000),
            status: 'canceled',
            updatedAt: new Date(T0 + 1000),
          }),
        ),
      );

    it('gives a freed seat at once to the waiting student who joined first on Whop, not who arrived first', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT; n += 1) await join(creator, n);
      // Three wait; they joined (on Whop) in the order 103, 101, 102, and arrived 101, 102, 103.
      await join(creator, 101, new Date(T0 - 3000));
      await join(creator, 102, new Date(T0 - 2000));
      await join(creator, 103, new Date(T0 - 5000));
      expect(await count(creator.id, 'over_limit')).to.equal(3);
      expect((await cancel(creator, 1)).status).to.equal('inactive');
      const { Student } = bed.models;
      const waiting = async () =>
        (await Student.findAll({ where: { creatorId: creator.id, status: 'over_limit' }, order: [['id', 'ASC']] })).map(
          (w) => w.whopUserId,
        );
      expect(await waiting()).to.deep.equal([`user_${creator.id}_101`, `user_${creator.id}_102`]);
      await cancel(creator, 2);
      expect(await waiting()).to.deep.equal([`user_${creator.id}_102`]);
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    });

    it('a late arrival who joined earlier on Whop takes the seat of the latest joiner', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT; n += 1) await join(creator, n);
      const early = await join(creator, 0, new Date(T0 - 2 * 86_400_000));
      expect(early.status).to.equal('active');
      const last = await bed.models.Student.findOne({
        where: { creatorId: creator.id, whopUserId: `user_${creator.id}_${FREE_LIMIT}` },
      });
      expect(last!.status).to.equal('over_limit');
    });

    it('breaks a tie in join time on the membership id', async () => {
      const creator = await creatorOn('free');
      const same = new Date(T0 - 5000);
      for (let n = 1; n <= FREE_LIMIT; n += 1) await join(creator, n + 10, same);
      // mem_<id>_10 sorts before every mem_<id>_1x: it takes the seat of mem_<id>_20.
      expect((await join(creator, 10, same)).status).to.equal('active');
      const lost = await bed.models.Student.findOne({
        where: { creatorId: creator.id, whopUserId: `user_${creator.id}_20` },
      });
      expect(lost!.status).to.equal('over_limit');
    });

    // A change moves a seat only when the student gains or loses access, or moves in the join
    // order while having it; these are the moves that keep their access.
    const rejoin = (creator: { id: number; whopCompanyId: string }, n: number, membershipId: string, joinedAt: Date) =>
      bed.rules.students.applyMembership(
        creator.id,
        toMembership(
          nestedMembership({
            id: membershipId,
            company: creator.whopCompanyId,
            product: 'prod_course',
            user: `user_${creator.id}_${n}`,
            createdAt: joinedAt,
            updatedAt: new Date(T0 + 2000),
          }),
        ),
      );
    const statusOf = async (creatorId: number, n: number) =>
      (await bed.models.Student.findOne({ where: { creatorId, whopUserId: `user_${creatorId}_${n}` } }))!.status;

    it('seats a waiting student whose membership turns out to have joined earlier, without a change of access', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 1; n += 1) await join(creator, n);
      expect(await statusOf(creator.id, FREE_LIMIT + 1)).to.equal('over_limit');
      // The same membership, with the `created_at` Whop sends now: the join time follows it.
      const moved = await rejoin(
        creator,
        FREE_LIMIT + 1,
        `mem_${creator.id}_${FREE_LIMIT + 1}`,
        new Date(T0 - 2 * 86_400_000),
      );
      expect(moved.status).to.equal('active');
      expect(await statusOf(creator.id, FREE_LIMIT), 'the latest joiner gives up the seat').to.equal('over_limit');
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
    });

    it('seats a waiting student whose new membership wins the tie on the same join time', async () => {
      const creator = await creatorOn('free');
      const same = new Date(T0 - 5000);
      for (let n = 1; n <= FREE_LIMIT + 1; n += 1) await join(creator, n, same);
      // All joined at once: the membership ids decide, and the one sorting last waits.
      const waiting = (await bed.models.Student.findOne({
        where: { creatorId: creator.id, status: 'over_limit' },
      }))!;
      const moved = await bed.rules.students.applyMembership(
        creator.id,
        toMembership(
          nestedMembership({
            id: `mem_${creator.id}_0`,
            company: creator.whopCompanyId,
            product: 'prod_course',
            user: waiting.whopUserId,
            createdAt: same,
            updatedAt: new Date(T0 + 2000),
          }),
        ),
      );
      expect(moved.status, 'mem_<id>_0 sorts before every other membership id').to.equal('active');
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT);
      expect(await count(creator.id, 'over_limit')).to.equal(1);
    });

    it('gives a returning earliest joiner their seat back, and the newest seat holder waits again', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 1; n += 1) await join(creator, n);
      await cancel(creator, 1);
      expect(await statusOf(creator.id, FREE_LIMIT + 1)).to.equal('active');
      const back = await rejoin(creator, 1, `mem_${creator.id}_1`, new Date(T0 - 86_400_000 + 1000));
      expect(back.status).to.equal('active');
      expect(await statusOf(creator.id, FREE_LIMIT + 1)).to.equal('over_limit');
    });

    it('leaves every seat where it is when a waiting student renews the same membership', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 1; n += 1) await join(creator, n);
      const renewed = await rejoin(
        creator,
        FREE_LIMIT + 1,
        `mem_${creator.id}_${FREE_LIMIT + 1}`,
        new Date(T0 - 86_400_000 + (FREE_LIMIT + 1) * 1000),
      );
      expect(renewed.change).to.equal('updated');
      expect(renewed.status).to.equal('over_limit');
      expect(await statuses(creator.id)).to.deep.equal([...Array<string>(FREE_LIMIT).fill('active'), 'over_limit']);
    });

    it('seats nobody more at the limit, and everybody waiting once the tier allows it', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 3; n += 1) await join(creator, n);
      expect((await bed.rules.students.reassignSeats(creator.id)).seated).to.deep.equal([]);
      expect(await count(creator.id, 'over_limit')).to.equal(3);
      await creator.update({ tier: 'basic' });
      expect((await bed.rules.students.reassignSeats(creator.id)).seated).to.have.length(3);
      expect(await count(creator.id, 'active')).to.equal(FREE_LIMIT + 3);
    });

    it('seats everybody waiting on enterprise (no limit)', async () => {
      const creator = await creatorOn('free');
      for (let n = 1; n <= FREE_LIMIT + 4; n += 1) await join(creator, n);
      await creator.update({ tier: 'enterprise' });
      expect((await bed.rules.students.reassignSeats(creator.id)).seated).to.have.length(4);
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
    await bed.rules.students.applyMembership(creator.id, m('active', T0));
    await bed.rules.students.applyMembership(creator.id, m('past_due', T0 + 1000));
    const graceMs = bed.config.gracePeriodDays * 86_400_000;
    // The grace period counts from when Chronos learned of the past_due (the clock: T0).
    clock.set(T0 + graceMs - 1);
    expect(await bed.rules.students.expireGracePeriods()).to.equal(0);
    expect(await statuses(creator.id)).to.deep.equal(['active']);
    clock.set(T0 + graceMs);
    expect(await bed.rules.students.expireGracePeriods()).to.equal(1);
    expect(await statuses(creator.id)).to.deep.equal(['inactive']);
    // Paid again, then past_due again: a fresh grace period, counted from the new past_due.
    await bed.rules.students.applyMembership(creator.id, m('active', T0 + 2000 + graceMs));
    await bed.rules.students.applyMembership(creator.id, m('past_due', T0 + 3000 + graceMs));
    expect(await statuses(creator.id)).to.deep.equal(['active']);
    expect((await bed.models.Student.findOne({ where: { creatorId: creator.id } }))?.graceEndsAt?.getTime()).to.equal(
      T0 + 2 * graceMs,
    );
  });
});
