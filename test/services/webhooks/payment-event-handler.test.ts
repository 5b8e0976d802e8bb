/**
 * What a payment event does to the database, the handler called directly in a transaction:
 * the payment is recorded once under Whop's id with its creator, never moves back from a final
 * status, counts refunds recorded before it, and mails the student; a Chronos plan payment
 * that fails starts the creator's grace period, one that succeeds ends it.
 */
import { expect } from 'chai';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedPayment } from '../../fixtures/whop/payments.ts';
import { nestedRefund } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('payment event handler: effects on the database', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'pro' });
  const { clock } = bed;

  const tx = bed.inTransaction;
  const handle = (envelope: HandledEnvelope) =>
    tx((transaction) => bed.rules.handlers.payments.handle(envelope, transaction));
  const studentPayment = (type: string, id = 'pay_student') =>
    nestedEnvelope(
      type,
      bed.creator.whopCompanyId,
      nestedPayment({
        id,
        company: bed.creator.whopCompanyId,
        product: 'prod_course',
        user: 'user_student',
        total: '29.99',
      }),
    );
  const planPayment = (type: string, id: string) => {
    const company = bed.config.whop.companyId;
    return nestedEnvelope(
      type,
      company,
      nestedPayment({ id, company, product: 'prod_pro', user: bed.ownerId, total: '49.00' }),
    );
  };
  const payment = (id: string) => bed.models.Payment.findOne({ where: { whopPaymentId: id } });
  const outbox = async () => (await bed.models.EmailOutbox.findAll({ order: [['id', 'ASC']] })).map((m) => m.template);
  const reload = async () => (await bed.models.Creator.findByPk(bed.creator.id))!;

  it("records a student's payment once, with its creator and exact amount, and queues one receipt", async () => {
    expect((await handle(studentPayment('payment.succeeded'))).status).to.equal('processed');
    await handle(studentPayment('payment.succeeded'));
    expect(await bed.models.Payment.count()).to.equal(1);
    expect(await payment('pay_student')).to.include({
      creatorId: bed.creator.id,
      status: 'succeeded',
      amount: '29.99',
      currency: 'usd',
      amountMinor: 2999,
    });
    expect(await outbox()).to.deep.equal(['receipt']);
  });

  it('dates a succeeded payment that names no paid time by Chronos’s clock', async () => {
    const envelope = studentPayment('payment.succeeded', 'pay_undated');
    delete (envelope.data as Record<string, unknown>).paid_at;
    clock.set(T0 + 90_000);
    await handle(envelope);
    expect((await payment('pay_undated'))?.paidAt?.getTime()).to.equal(T0 + 90_000);
  });

  it('never moves a payment back from a final status', async () => {
    await handle(studentPayment('payment.succeeded'));
    const late = await handle(studentPayment('payment.pending'));
    expect(late.status).to.equal('skipped');
    expect((await payment('pay_student'))?.status).to.equal('succeeded');
    // A final status may follow another (Whop's own correction), and is applied.
    await handle(studentPayment('payment.failed'));
    expect((await payment('pay_student'))?.status).to.equal('failed');
    expect(await outbox()).to.deep.equal(['receipt', 'payment_failed']);
  });

  it('counts a refund recorded before its payment as soon as the payment is recorded', async () => {
    await tx((transaction) =>
      bed.rules.handlers.refunds.handle(
        nestedEnvelope(
          'refund.created',
          bed.creator.whopCompanyId,
          nestedRefund({ payment: 'pay_student', amount: '10.00' }),
        ),
        transaction,
      ),
    );
    await handle(studentPayment('payment.succeeded'));
    expect(Number((await payment('pay_student'))?.refundedAmount)).to.equal(10);
  });

  it("starts the creator's grace period on a failed plan payment (once), and ends it on a successful one", async () => {
    await handle(planPayment('payment.failed', 'pay_plan1'));
    const started = await reload();
    expect(started.billingStatus).to.equal('past_due');
    expect(started.gracePeriodEndsAt).to.not.equal(null);
    expect((await handle(planPayment('payment.failed', 'pay_plan2'))).outcome).to.match(/already running/);
    expect((await reload()).gracePeriodEndsAt?.getTime()).to.equal(started.gracePeriodEndsAt!.getTime());
    await handle(planPayment('payment.succeeded', 'pay_plan3'));
    expect(await reload()).to.include({ billingStatus: 'ok', gracePeriodEndsAt: null });
  });

  it('records a payment of a company no creator runs, acting on nobody', async () => {
    const result = await handle(
      nestedEnvelope(
        'payment.succeeded',
        'biz_stranger',
        nestedPayment({ id: 'pay_x', company: 'biz_stranger', product: 'prod_x', user: 'user_x', total: '5.00' }),
      ),
    );
    expect(result.status).to.equal('processed');
    expect((await payment('pay_x'))?.creatorId).to.equal(null);
  });
});
