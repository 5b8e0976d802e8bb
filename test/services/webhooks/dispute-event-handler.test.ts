/**
 * What a dispute event does to the database, the handler called directly in a transaction:
 * the dispute is stored under Whop's id with its creator; an older change is skipped; a
 * dispute alert is recorded once.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { ruleServices, testClock, type RuleServices } from '../../support/rule-services.ts';
import { nestedDispute, nestedDisputeAlert } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';
import type { Creator } from '../../../src/models/creator-model.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('dispute event handler: effects on the database', () => {
  let t: TestApp;
  let s: RuleServices;
  let creator: Creator;
  const clock = testClock(T0);

  before(async () => {
    t = await startTestApp();
    s = ruleServices(t, clock);
  });
  after(() => t.close());
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    creator = await makeFactories(t.runtime.deps.models).creator();
  });

  const handle = (envelope: HandledEnvelope) =>
    t.runtime.deps.sequelize.transaction((tx) => s.handlers.disputes.handle(envelope, tx));
  const dispute = (status: string, at: number) =>
    nestedEnvelope(
      'dispute.updated',
      creator.whopCompanyId,
      nestedDispute({
        id: 'dspt_1',
        company: creator.whopCompanyId,
        payment: 'pay_1',
        amount: '20.00',
        status,
        updatedAt: new Date(at),
      }),
      new Date(at),
    );
  const stored = async () =>
    (
      await t.runtime.deps.sequelize.query<Record<string, unknown>>(
        'SELECT creator_id AS "creatorId", whop_payment_id AS "whopPaymentId", amount, status FROM disputes WHERE whop_dispute_id = \'dspt_1\'',
        { type: QueryTypes.SELECT },
      )
    )[0];

  it('records the dispute with its creator, and a newer change replaces it', async () => {
    expect((await handle(dispute('needs_response', T0))).status).to.equal('processed');
    expect(await stored()).to.include({ creatorId: creator.id, whopPaymentId: 'pay_1', status: 'needs_response' });
    expect(Number((await stored())?.amount)).to.equal(20);
    await handle(dispute('won', T0 + 1000));
    expect((await stored())?.status).to.equal('won');
    expect(await t.runtime.deps.models.Dispute.count()).to.equal(1);
  });

  it('skips a change older than the stored one', async () => {
    await handle(dispute('won', T0 + 2000));
    expect((await handle(dispute('needs_response', T0 + 1000))).status).to.equal('skipped');
    expect((await stored())?.status).to.equal('won');
  });

  it('records a dispute alert once', async () => {
    const alert = nestedEnvelope(
      'dispute_alert.created',
      creator.whopCompanyId,
      nestedDisputeAlert({ id: 'dspa_1', payment: 'pay_1', amount: '20.00' }),
    );
    expect((await handle(alert)).status).to.equal('processed');
    expect((await handle(alert)).status).to.equal('skipped');
    expect(await t.runtime.deps.models.DisputeAlert.count()).to.equal(1);
  });
});
