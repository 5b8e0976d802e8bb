/**
 * What a refund event does to the database, the handler called directly in a transaction: the
 * refund is stored under Whop's id; its payment shows all succeeded refunds together; an older
 * change is skipped and a final status is never replaced by pending.
 */
import { expect } from 'chai';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedPayment } from '../../fixtures/whop/payments.ts';
import { nestedRefund } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const COMPANY = 'biz_refunds';

describe('refund event handler: effects on the database', () => {
  // Every refund below belongs to this recorded payment.
  const bed = useRuleTestBed(T0, {
    seed: (bed) =>
      bed.inTransaction((tx) =>
        bed.rules.handlers.payments.handle(
          nestedEnvelope(
            'payment.succeeded',
            COMPANY,
            nestedPayment({ id: 'pay_1', company: COMPANY, product: 'prod_x', user: 'user_x', total: '50.00' }),
          ),
          tx,
        ),
      ),
  });

  const handle = (envelope: HandledEnvelope) =>
    bed.inTransaction((tx) => bed.rules.handlers.refunds.handle(envelope, tx));
  const refund = (f: { id: string; amount: string; status?: string; at: number }) =>
    nestedEnvelope(
      'refund.updated',
      COMPANY,
      nestedRefund({ id: f.id, payment: 'pay_1', amount: f.amount, status: f.status, updatedAt: new Date(f.at) }),
      new Date(f.at),
    );
  const refunded = async () =>
    Number((await bed.models.Payment.findOne({ where: { whopPaymentId: 'pay_1' } }))?.refundedAmount);
  const refundStatus = async (id: string) => (await bed.models.Refund.findOne({ where: { whopRefundId: id } }))?.status;

  it('adds up the succeeded refunds of a payment, each counted once', async () => {
    expect((await handle(refund({ id: 'rfnd_1', amount: '10.00', at: T0 }))).status).to.equal('processed');
    await handle(refund({ id: 'rfnd_1', amount: '10.00', at: T0 }));
    await handle(refund({ id: 'rfnd_2', amount: '15.00', at: T0 }));
    await handle(refund({ id: 'rfnd_3', amount: '5.00', status: 'pending', at: T0 }));
    expect(await refunded()).to.equal(25);
    expect(await bed.models.Refund.count()).to.equal(3);
  });

  it('skips a change older than the stored one', async () => {
    await handle(refund({ id: 'rfnd_1', amount: '10.00', status: 'failed', at: T0 + 2000 }));
    const late = await handle(refund({ id: 'rfnd_1', amount: '10.00', status: 'succeeded', at: T0 + 1000 }));
    expect(late.status).to.equal('skipped');
    expect(await refundStatus('rfnd_1')).to.equal('failed');
    expect(await refunded()).to.equal(0);
  });

  it('never replaces a final status with pending, even a newer one', async () => {
    await handle(refund({ id: 'rfnd_1', amount: '10.00', status: 'succeeded', at: T0 }));
    expect((await handle(refund({ id: 'rfnd_1', amount: '10.00', status: 'pending', at: T0 + 1000 }))).status).to.equal(
      'skipped',
    );
    expect(await refundStatus('rfnd_1')).to.equal('succeeded');
    expect(await refunded()).to.equal(10);
  });
});
