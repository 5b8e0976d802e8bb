/**
 * What a dispute event does to the database, the handler called directly in a transaction:
 * the dispute is stored under Whop's id with its creator; an older change is skipped; a
 * dispute alert is recorded once.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedDispute, nestedDisputeAlert } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('dispute event handler: effects on the database', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'free' });

  const handle = (envelope: HandledEnvelope) =>
    bed.inTransaction((tx) => bed.rules.handlers.disputes.handle(envelope, tx));
  const dispute = (status: string, at: number) =>
    nestedEnvelope(
      'dispute.updated',
      bed.creator.whopCompanyId,
      nestedDispute({
        id: 'dspt_1',
        company: bed.creator.whopCompanyId,
        payment: 'pay_1',
        amount: '20.00',
        status,
        updatedAt: new Date(at),
      }),
      new Date(at),
    );
  const stored = async () =>
    (
      await bed.sequelize.query<Record<string, unknown>>(
        'SELECT creator_id AS "creatorId", whop_payment_id AS "whopPaymentId", amount, status FROM disputes WHERE whop_dispute_id = \'dspt_1\'',
        { type: QueryTypes.SELECT },
      )
    )[0];

  it('records the dispute with its creator, and a newer change replaces it', async () => {
    expect((await handle(dispute('needs_response', T0))).status).to.equal('processed');
    expect(await stored()).to.include({ creatorId: bed.creator.id, whopPaymentId: 'pay_1', status: 'needs_response' });
    expect(Number((await stored())?.amount)).to.equal(20);
    await handle(dispute('won', T0 + 1000));
    expect((await stored())?.status).to.equal('won');
    expect(await bed.models.Dispute.count()).to.equal(1);
  });

  it('skips a change older than the stored one', async () => {
    await handle(dispute('won', T0 + 2000));
    expect((await handle(dispute('needs_response', T0 + 1000))).status).to.equal('skipped');
    expect((await stored())?.status).to.equal('won');
  });

  it('records a dispute alert once', async () => {
    const alert = nestedEnvelope(
      'dispute_alert.created',
      bed.creator.whopCompanyId,
      nestedDisputeAlert({ id: 'dspa_1', payment: 'pay_1', amount: '20.00' }),
    );
    expect((await handle(alert)).status).to.equal('processed');
    expect((await handle(alert)).status).to.equal('skipped');
    expect(await bed.models.DisputeAlert.count()).to.equal(1);
  });
});
