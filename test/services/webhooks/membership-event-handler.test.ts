/**
 * What a membership event does to the database, the handler called directly in a transaction
 * (no HTTP, no sandbox): on a creator's company it makes or changes a student (with the welcome
 * and expiration emails); on Chronos's company it stores the plan membership and sets the
 * creator's tier (a past_due starts the grace period, which holds the tier); older changes are
 * skipped; unknown companies are ignored; the trial reminder is queued once.
 */
import { expect } from 'chai';
import { DAY_MS } from '../../support/rule-services.ts';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedMembership, type MembershipFields } from '../../fixtures/whop/memberships.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('membership event handler: effects on the database', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'free' });
  const { clock } = bed;

  const handle = (envelope: HandledEnvelope) =>
    bed.inTransaction((tx) => bed.rules.handlers.memberships.handle(envelope, tx));
  const studentEvent = (type: string, f: Partial<MembershipFields> & { updatedAt: Date }) =>
    nestedEnvelope(
      type,
      bed.creator.whopCompanyId,
      nestedMembership({
        id: 'mem_student',
        company: bed.creator.whopCompanyId,
        product: 'prod_course',
        user: 'user_student',
        ...f,
      }),
      f.updatedAt,
    );
  const planEvent = (type: string, f: Partial<MembershipFields> & { updatedAt: Date }) => {
    const company = bed.config.whop.companyId;
    return nestedEnvelope(
      type,
      company,
      nestedMembership({ id: 'mem_plan', company, product: bed.planProductOf('pro'), user: bed.ownerId, ...f }),
      f.updatedAt,
    );
  };
  const student = () =>
    bed.models.Student.findOne({ where: { creatorId: bed.creator.id, whopUserId: 'user_student' } });
  const outbox = async () =>
    (await bed.models.EmailOutbox.findAll({ order: [['id', 'ASC']] })).map((m) => `${m.template} ${m.toAddress}`);
  const tier = async () => (await bed.models.Creator.findByPk(bed.creator.id))!.tier;

  describe("on a creator's company: students", () => {
    it('makes an activated member a student and queues one welcome email', async () => {
      expect((await handle(studentEvent('membership.activated', { updatedAt: new Date(T0) }))).status).to.equal(
        'processed',
      );
      expect(await student()).to.include({
        status: 'active',
        whopMembershipId: 'mem_student',
        membershipStatus: 'active',
      });
      // The same event again (a redelivery) queues no second email.
      await handle(studentEvent('membership.activated', { updatedAt: new Date(T0) }));
      expect(await outbox()).to.deep.equal(['welcome user_student@example.test']);
    });

    it('takes access away on deactivation and queues the expiration email; an older activation after it is skipped', async () => {
      await handle(studentEvent('membership.activated', { updatedAt: new Date(T0) }));
      await handle(studentEvent('membership.deactivated', { status: 'expired', updatedAt: new Date(T0 + 2000) }));
      expect((await student())?.status).to.equal('inactive');
      const late = await handle(studentEvent('membership.activated', { updatedAt: new Date(T0 + 1000) }));
      expect(late.status).to.equal('skipped');
      expect((await student())?.status).to.equal('inactive');
      expect(await outbox()).to.deep.equal([
        'welcome user_student@example.test',
        'expiration user_student@example.test',
      ]);
    });

    it('archives the student on membership.deleted', async () => {
      await handle(studentEvent('membership.activated', { updatedAt: new Date(T0) }));
      expect(
        (await handle(studentEvent('membership.deleted', { status: 'canceled', updatedAt: new Date(T0 + 1000) })))
          .status,
      ).to.equal('processed');
      expect((await student())?.status).to.equal('archived');
    });

    it('ignores a company no creator has onboarded, writing nothing', async () => {
      const result = await handle(
        nestedEnvelope(
          'membership.activated',
          'biz_stranger',
          nestedMembership({ company: 'biz_stranger', product: 'prod_x', user: 'user_x' }),
        ),
      );
      expect(result.status).to.equal('ignored');
      expect(await bed.models.Student.count()).to.equal(0);
    });

    it('queues the trial reminder once per membership', async () => {
      await handle(studentEvent('membership.trial_ending_soon', { status: 'trialing', updatedAt: new Date(T0) }));
      await handle(
        studentEvent('membership.trial_ending_soon', { status: 'trialing', updatedAt: new Date(T0 + 1000) }),
      );
      expect(await outbox()).to.deep.equal(['trial_ending user_student@example.test']);
    });
  });

  describe("on Chronos's company: the creator's plan", () => {
    it('stores the plan membership and gives the creator its tier; an older change is skipped', async () => {
      await handle(planEvent('membership.activated', { updatedAt: new Date(T0 + 2000) }));
      expect(await tier()).to.equal('pro');
      expect((await bed.models.PlanMembership.findByPk('mem_plan'))?.status).to.equal('active');
      const late = await handle(
        planEvent('membership.deactivated', { status: 'canceled', updatedAt: new Date(T0 + 1000) }),
      );
      expect(late.status).to.equal('skipped');
      expect(await tier()).to.equal('pro');
      await handle(planEvent('membership.deleted', { updatedAt: new Date(T0 + 3000) }));
      expect(await tier()).to.equal('free');
    });

    it('a past_due plan starts the grace period and holds the tier through it; at its end the tier drops', async () => {
      await handle(planEvent('membership.activated', { updatedAt: new Date(T0) }));
      await handle(planEvent('membership.updated', { status: 'past_due', updatedAt: new Date(T0 + 1000) }));
      const held = (await bed.models.Creator.findByPk(bed.creator.id))!;
      expect(held).to.include({ tier: 'pro', billingStatus: 'past_due' });
      clock.advance(DAY_MS);
      await handle(planEvent('membership.deactivated', { status: 'expired', updatedAt: new Date(T0 + DAY_MS) }));
      expect(await tier()).to.equal('pro');
      clock.set(held.gracePeriodEndsAt!.getTime());
      expect(await bed.rules.grace.applyExpired()).to.equal(1);
      expect(await tier()).to.equal('free');
    });

    it('settles a plan membership without a user that is not stored, writing nothing', async () => {
      const result = await handle(planEvent('membership.activated', { user: null, updatedAt: new Date(T0) }));
      expect(result.status).to.equal('skipped');
      expect(await bed.models.PlanMembership.count()).to.equal(0);
    });
  });
});
