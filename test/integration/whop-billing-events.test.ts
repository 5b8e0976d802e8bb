/**
 * Refunds, disputes, dispute alerts, trial-ending notices, invoices of Chronos plans, payment
 * authorizations/cancellations and membership deletions, as Whop sends them (test/fixtures/whop),
 * delivered signed over HTTP and processed by the worker, in order and out of order.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { deliver, delivery } from '../support/webhook-deliveries.ts';
import { nestedMembership, flatMembership } from '../fixtures/whop/memberships.ts';
import { flatPayment, nestedPayment } from '../fixtures/whop/payments.ts';
import {
  flatRefund,
  nestedDispute,
  nestedDisputeAlert,
  nestedInvoice,
  nestedRefund,
  v5Dispute,
  v5Refund,
} from '../fixtures/whop/billing.ts';
import { deliverV5, flatEnvelope, nestedEnvelope, v5Body } from '../fixtures/whop/envelopes.ts';
import { whopId } from '../fixtures/whop/ids.ts';

const CHRONOS = 'biz_chronos';
const COMPANY = 'biz_creator1';
const PRODUCT = 'prod_course1';

describe('Whop billing events: refunds, disputes, trials, invoices, deletions', () => {
  let t: ChronosWithSandbox;
  let secret: string;

  before(async () => {
    t = await startChronosWithSandbox({
      env: { REDIS_PREFIX: `${runRedisPrefix}billing-events:`, WHOP_LEGACY_WEBHOOKS: 'true' },
      services: { webhookBackoffMs: () => 0 },
    });
    secret = t.config.whop.webhookSecrets[0]!;
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  async function creator(tier: 'free' | 'basic' | 'pro' = 'basic') {
    const { User, Creator } = t.runtime.deps.models;
    const owner = await User.create({
      whopUserId: 'user_creator_free',
      username: 'creator_free',
      name: 'Fran',
      email: 'fran@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    return Creator.create({
      whopCompanyId: COMPANY,
      companyName: 'Creator One',
      ownerUserId: owner.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
  }
  const send = (event: unknown) => deliver(t.appUrl, secret, delivery(event));
  const payment = (id: string) => t.runtime.deps.models.Payment.findOne({ where: { whopPaymentId: id } });
  const adminPage = async () => (await (await t.signIn('user_admin')).get(`${t.appUrl}/admin/tiers`)).text;

  it('shows a payment refunded in part, then in full, and revenue net of refunds, whatever the order', async () => {
    await creator();
    const pay = nestedPayment({ company: COMPANY, product: PRODUCT, user: 'user_student1', total: '50.00' });
    const first = nestedRefund({ payment: pay.id, amount: '20', status: 'pending' });
    // refund.updated (succeeded) arrives before refund.created (pending), and before the payment itself.
    expect(
      await send(
        nestedEnvelope('refund.updated', COMPANY, { ...first, status: 'succeeded' }, new Date(Date.now() - 1000)),
      ),
    ).to.equal(200);
    expect(await send(nestedEnvelope('refund.created', COMPANY, first, new Date(Date.now() - 5000)))).to.equal(200);
    await t.drain();
    await send(nestedEnvelope('payment.succeeded', COMPANY, pay));
    await t.drain();
    expect((await payment(pay.id))?.refundedAmount).to.equal('20');
    let page = await adminPage();
    expect(page).to.match(/data-currency="usd"[\s\S]*?data-field="net">30\.00</);
    // The second refund comes in the flat shape and settles the rest.
    await send(flatEnvelope('refund.created', COMPANY, flatRefund({ payment: pay.id, amount: '30.00' })));
    await send(
      flatEnvelope('refund.created', COMPANY, flatRefund({ payment: pay.id, amount: '30.00', id: 'rfnd_dup' })),
    );
    await send(
      flatEnvelope('refund.created', COMPANY, flatRefund({ payment: pay.id, amount: '30.00', id: 'rfnd_dup' })),
    );
    await t.drain();
    const row = await payment(pay.id);
    expect(Number(row?.refundedAmount)).to.equal(80);
    const finances = await t.runtime.deps.services.overview.finances();
    expect(finances.revenue).to.deep.equal([
      { currency: 'usd', payments: 1, gross: '50.00', refunded: '50.00', net: '0.00' },
    ]);
    expect(await t.runtime.deps.models.Refund.count()).to.equal(3);
    page = await adminPage();
    expect(page).to.contain('data-currency="usd"');
  });

  it('records a legacy v5 refund and dispute', async () => {
    await creator();
    const pay = flatPayment({ company: COMPANY, product: PRODUCT, user: 'user_student1', total: '9.00' });
    await send(flatEnvelope('payment.succeeded', COMPANY, pay));
    expect(
      await deliverV5(
        t.appUrl,
        secret,
        JSON.stringify(v5Body('refund.created', v5Refund({ payment: pay.id, amount: '4.5' }), COMPANY)),
      ),
    ).to.equal(200);
    expect(
      await deliverV5(
        t.appUrl,
        secret,
        JSON.stringify(v5Body('dispute.created', v5Dispute({ payment: pay.id, amount: '9' }), COMPANY)),
      ),
    ).to.equal(200);
    await t.drain();
    expect((await payment(pay.id))?.refundedAmount).to.equal('4.5');
    expect(await t.runtime.deps.models.Dispute.count()).to.equal(1);
  });

  it('lists open disputes on the admin page; a closed one leaves it; an older update never reopens it', async () => {
    await creator();
    const d = nestedDispute({
      company: COMPANY,
      payment: 'pay_disputed1',
      amount: '49.99',
      updatedAt: new Date(Date.now() - 10_000),
    });
    await send(nestedEnvelope('dispute.created', COMPANY, d, new Date(Date.now() - 10_000)));
    await send(
      nestedEnvelope(
        'dispute_alert.created',
        COMPANY,
        nestedDisputeAlert({ payment: 'pay_disputed1', amount: '49.99' }),
      ),
    );
    await t.drain();
    let page = await adminPage();
    expect(page).to.contain(`data-dispute="${d.id}"`);
    expect(page).to.contain('needs response');
    expect(page).to.match(/1 dispute alert in the last/);
    await send(nestedEnvelope('dispute.updated', COMPANY, { ...d, status: 'won' }, new Date()));
    await t.drain();
    await send(
      nestedEnvelope('dispute.updated', COMPANY, { ...d, status: 'under_review' }, new Date(Date.now() - 5000)),
    );
    await t.drain();
    expect((await t.runtime.deps.models.Dispute.findOne())?.status).to.equal('won');
    page = await adminPage();
    expect(page).not.to.contain(`data-dispute="${d.id}"`);
    expect(page).to.contain('No open disputes.');
  });

  it('mails the member once when their trial ends soon, in either shape', async () => {
    await creator();
    const m = nestedMembership({ company: COMPANY, product: PRODUCT, user: 'user_student1', status: 'trialing' });
    for (let i = 0; i < 3; i += 1)
      expect(await send(nestedEnvelope('membership.trial_ending_soon', COMPANY, m))).to.equal(200);
    // The flat shape carries no email: Chronos uses the address of the user it knows.
    await t.runtime.deps.models.User.create({
      whopUserId: 'user_student2',
      username: 'student2',
      name: 'S2',
      email: 'student2@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    await send(
      flatEnvelope(
        'membership.trial_ending_soon',
        COMPANY,
        flatMembership({ company: COMPANY, product: PRODUCT, user: 'user_student2', status: 'trialing' }),
      ),
    );
    await t.drain();
    const mails = await t.runtime.deps.models.EmailOutbox.findAll({ where: { template: 'trial_ending' } });
    expect(mails.map((mail) => mail.toAddress).sort()).to.deep.equal([
      'student2@example.test',
      'user_student1@example.test',
    ]);
    expect(mails[0]?.subject).to.match(/trial of Creator One's course ends/);
  });

  it('starts the grace period on invoice.past_due and ends it on invoice.paid; a late past_due of a paid invoice changes nothing', async () => {
    const c = await creator('pro');
    const invoice = nestedInvoice({ user: 'user_creator_free', plan: 'plan_prod_pro', status: 'past_due' });
    await send(nestedEnvelope('invoice.past_due', CHRONOS, invoice, new Date(Date.now() - 60_000)));
    await t.drain();
    await c.reload();
    expect(c.billingStatus).to.equal('past_due');
    expect(c.gracePeriodEndsAt).to.be.instanceOf(Date);
    await send(flatEnvelope('invoice.paid', CHRONOS, { ...invoice, status: 'paid' }));
    await t.drain();
    await c.reload();
    expect(c.billingStatus).to.equal('ok');
    expect(c.gracePeriodEndsAt).to.equal(null);
    const late = delivery(nestedEnvelope('invoice.past_due', CHRONOS, invoice, new Date(Date.now() - 30_000)));
    await deliver(t.appUrl, secret, late);
    await t.drain();
    expect((await c.reload()).billingStatus).to.equal('ok');
    expect((await t.runtime.deps.models.WebhookEvent.findByPk(late.webhookId))?.status).to.equal('skipped');
    // An invoice of a creator's own company is no Chronos plan.
    const other = delivery(
      nestedEnvelope(
        'invoice.past_due',
        COMPANY,
        nestedInvoice({ user: 'user_student1', plan: 'plan_x', status: 'past_due' }),
      ),
    );
    await deliver(t.appUrl, secret, other);
    await t.drain();
    expect((await t.runtime.deps.models.WebhookEvent.findByPk(other.webhookId))?.status).to.equal('ignored');
  });

  it('records payment.authorized and payment.canceled; a late authorized never undoes canceled', async () => {
    await creator();
    const pay = flatPayment({ company: COMPANY, product: PRODUCT, user: 'user_student1', total: '15.00' });
    await send(flatEnvelope('payment.authorized', COMPANY, pay));
    await t.drain();
    expect((await payment(pay.id))?.status).to.equal('authorized');
    await send(flatEnvelope('payment.canceled', COMPANY, pay));
    await t.drain();
    await send(flatEnvelope('payment.authorized', COMPANY, pay));
    await t.drain();
    expect((await payment(pay.id))?.status).to.equal('canceled');
  });

  describe('membership.deleted obeys the deactivation rules', () => {
    it('an older deletion does not archive a student whose membership is newer', async () => {
      await creator();
      const m = nestedMembership({ company: COMPANY, product: PRODUCT, user: 'user_student1' });
      await send(nestedEnvelope('membership.activated', COMPANY, m));
      await t.drain();
      await send(
        nestedEnvelope('membership.deleted', COMPANY, {
          ...m,
          status: 'canceled',
          updated_at: new Date(Date.now() - 60_000).toISOString(),
        }),
      );
      await t.drain();
      expect(
        (await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student1' } }))?.status,
      ).to.equal('active');
    });

    it('the deletion of another membership does not archive a student who still has a valid one', async () => {
      await creator();
      const valid = nestedMembership({ company: COMPANY, product: PRODUCT, user: 'user_student1' });
      await send(nestedEnvelope('membership.activated', COMPANY, valid));
      await t.drain();
      const other = nestedMembership({
        id: whopId('mem'),
        company: COMPANY,
        product: PRODUCT,
        user: 'user_student1',
        status: 'canceled',
        updatedAt: new Date(Date.now() + 1000),
      });
      await send(nestedEnvelope('membership.deleted', COMPANY, other));
      await send(
        flatEnvelope(
          'membership.deleted',
          COMPANY,
          flatMembership({ company: COMPANY, product: PRODUCT, user: 'user_student1', status: 'canceled' }),
          { timestamp: new Date(Date.now() + 2000) },
        ),
      );
      await t.drain();
      expect(
        (await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student1' } }))?.status,
      ).to.equal('active');
      // The deletion of their own membership archives them.
      await send(
        nestedEnvelope('membership.deleted', COMPANY, {
          ...valid,
          status: 'canceled',
          updated_at: new Date(Date.now() + 3000).toISOString(),
        }),
      );
      await t.drain();
      expect(
        (await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student1' } }))?.status,
      ).to.equal('archived');
    });
  });
});
