/**
 * The billing grace period, at database level on an injected clock: a failed plan payment
 * starts it once (one email to the owner), a payment ends it, and when it runs out the creator
 * gets the tier their plan now grants and past_due students lose access.
 */
import { expect } from 'chai';
import { DAY_MS, type RuleServices } from '../../support/rule-services.ts';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('grace period service (database level)', () => {
  const bed = useRuleTestBed(T0);
  const { clock } = bed;
  let graceMs: number;
  before(() => (graceMs = bed.config.gracePeriodDays * DAY_MS));

  async function proCreator() {
    const f = bed.factories();
    const owner = await f.user({ email: 'owner@example.test' });
    const creator = await f.creator({ ownerUserId: owner.id, tier: 'pro' });
    return { owner, creator };
  }
  const start = (creator: Parameters<RuleServices['grace']['start']>[0]) =>
    bed.inTransaction((tx) => bed.rules.grace.start(creator, tx));
  const reload = async (id: number) => (await bed.models.Creator.findByPk(id))!;
  const mails = () => bed.models.EmailOutbox.findAll({ where: { template: 'grace_period' } });

  it('starts once: past_due, ends after GRACE_PERIOD_DAYS on the clock, one email to the owner', async () => {
    const { creator } = await proCreator();
    expect(await start(creator)).to.equal(true);
    const started = await reload(creator.id);
    expect(started.billingStatus).to.equal('past_due');
    expect(started.gracePeriodEndsAt?.getTime()).to.equal(T0 + graceMs);
    clock.advance(DAY_MS);
    expect(await start(started)).to.equal(false);
    expect((await reload(creator.id)).gracePeriodEndsAt?.getTime()).to.equal(T0 + graceMs);
    const sent = await mails();
    expect(sent.map((m) => m.toAddress)).to.deep.equal(['owner@example.test']);
    expect(sent[0]?.payload).to.include({ graceEndsAt: new Date(T0 + graceMs).toISOString(), tierName: 'Pro' });
  });

  it('starts afresh once a past grace period has run out', async () => {
    const { creator } = await proCreator();
    await start(creator);
    clock.set(T0 + graceMs);
    expect(await start(await reload(creator.id))).to.equal(true);
    expect((await reload(creator.id)).gracePeriodEndsAt?.getTime()).to.equal(T0 + 2 * graceMs);
    expect(await mails()).to.have.length(2);
  });

  it('ends when a payment succeeds: good standing, no end date', async () => {
    const { creator } = await proCreator();
    await start(creator);
    await bed.inTransaction(async (tx) => bed.rules.grace.end(await reload(creator.id), tx));
    const ended = await reload(creator.id);
    expect(ended.billingStatus).to.equal('ok');
    expect(ended.gracePeriodEndsAt).to.equal(null);
    clock.set(T0 + graceMs);
    expect(await bed.rules.grace.applyExpired()).to.equal(0);
    expect((await reload(creator.id)).tier).to.equal('pro');
  });

  it('applies what the plan says when it runs out, and ends past_due students’ access', async () => {
    const { creator } = await proCreator();
    // No valid plan membership is stored: the plan says free.
    await start(creator);
    const m = (status: string, at: number) =>
      toMembership(
        nestedMembership({
          id: 'mem_student',
          company: creator.whopCompanyId,
          product: 'prod_course',
          user: 'user_student',
          status,
          updatedAt: new Date(at),
        }),
      );
    await bed.rules.students.applyMembership(creator.id, m('active', T0));
    await bed.rules.students.applyMembership(creator.id, m('past_due', T0 + 1));
    clock.set(T0 + graceMs - 1);
    expect(await bed.rules.grace.applyExpired()).to.equal(0);
    expect((await reload(creator.id)).tier).to.equal('pro');
    clock.set(T0 + graceMs);
    expect(await bed.rules.grace.applyExpired()).to.equal(1);
    const after = await reload(creator.id);
    expect(after).to.include({ tier: 'free', billingStatus: 'ok', gracePeriodEndsAt: null });
    expect((await bed.models.Student.findOne({ where: { creatorId: creator.id } }))?.status).to.equal('inactive');
    expect(
      bed.rules
        .logRecords()
        .filter((r) => 'students' in r)
        .at(-1),
    ).to.include({ students: 1 });
  });
});
