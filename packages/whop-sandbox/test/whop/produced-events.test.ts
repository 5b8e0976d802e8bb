import { expect } from 'chai';
import request from 'supertest';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';
import { eventually, verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';
import { api, cli, control, openForm } from './helpers.ts';

type Json = Record<string, unknown>;
interface Fired {
  events: Array<{ type: string; webhook_id: string; delivery_status: string }>;
  membership: Json | null;
  payment: Json | null;
}

describe('sandbox: the events a course business meets', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;
  let running: SandboxWithListener;

  beforeEach(async () => {
    running = await startSandboxWithListener();
    ({ sandbox, listener } = running);
  });
  afterEach(() => running.close());

  async function fire(body: Json): Promise<Fired> {
    const res = await control<Fired>(sandbox, 'POST', '/events', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  /** The verified envelope a delivery carried (after it was delivered). */
  async function delivered(webhookId: string): Promise<Json> {
    await eventually(() => sandbox.sandbox.core.deliveries.log.get(webhookId)?.status === 'delivered');
    const webhook = listener.received.find((w) => w.headers['webhook-id'] === webhookId);
    if (!webhook) throw new Error(`${webhookId} not received`);
    return verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, webhook) as Json;
  }

  async function envelopeOf(fired: Fired, type: string): Promise<Json> {
    const ref = fired.events.find((e) => e.type === type);
    if (!ref) throw new Error(`no ${type} among ${fired.events.map((e) => e.type).join(', ')}`);
    return delivered(ref.webhook_id);
  }

  async function paid(amount: string, currency = 'usd'): Promise<string> {
    const res = await control<{ payment: { id: string } }>(sandbox, 'POST', '/payments', {
      user: 'user_student2',
      product: 'prod_course2',
      amount,
      currency,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.payment.id;
  }

  it('produces a completed membership (one-time purchase) that grants access, with membership.updated', async () => {
    const fired = await fire({
      type: 'membership.activated',
      user: 'user_student2',
      product: 'prod_course2',
      status: 'completed',
    });
    expect(fired.events.map((e) => e.type)).to.deep.equal(['membership.activated', 'membership.updated']);
    const data = (await envelopeOf(fired, 'membership.activated')).data as Json;
    expect([data.status, data.renewal_period_end]).to.deep.equal(['completed', null]);
    const access = await api(sandbox, '/users/user_student2/access/prod_course2');
    expect(access.body).to.deep.equal({ has_access: true, access_level: 'customer' });
  });

  it('produces memberships and payments whose user was deleted: user null (nested) and user_id null (flat)', async () => {
    const payment = await paid('49.00');
    const membershipId = sandbox.sandbox.state.getPayment(payment)?.membership_id;
    const deleted = await cli(sandbox, ['delete-user', '--user', 'user_student2']);
    expect(deleted.code, deleted.stderr).to.equal(0);
    const nested = await fire({ type: 'membership.deactivated', membership_id: membershipId });
    expect(((await envelopeOf(nested, 'membership.deactivated')).data as Json).user).to.equal(null);
    await control(sandbox, 'POST', '/webhooks/all', { api_version_date: 'latest' });
    const flat = await fire({ type: 'membership.updated', membership_id: membershipId });
    expect(((await envelopeOf(flat, 'membership.updated')).data as Json).user_id).to.equal(null);
    const refund = await fire({ type: 'refund.created', payment_id: payment });
    expect(refund.events.map((e) => e.type)).to.deep.equal(['refund.created']);
    expect((await api(sandbox, '/memberships/' + String(membershipId))).body.user).to.equal(null);
  });

  it("refunds in part, then the rest: refund.created carries Whop's refund, the payment shows partially_refunded then refunded", async () => {
    const payment = await paid('49.00');
    const partial = await fire({ type: 'refund.created', payment_id: payment, amount: '19.00' });
    const refund = (await envelopeOf(partial, 'refund.created')).data as Json;
    expect(refund).to.include({ amount: 19, currency: 'usd', status: 'succeeded' });
    expect(String(refund.id)).to.match(/^rfnd_/);
    expect((refund.payment as Json).id).to.equal(payment);
    const afterPartial = (await api(sandbox, `/payments/${payment}`)).body;
    expect([afterPartial.substatus, afterPartial.refunded_amount]).to.deep.equal(['partially_refunded', 19]);

    const tooMuch = await control<{ error: { message: string } }>(sandbox, 'POST', '/events', {
      type: 'refund.created',
      payment_id: payment,
      amount: '31.00',
    });
    expect(tooMuch.status).to.equal(400);
    expect(tooMuch.body.error.message).to.match(/more than the 30\.00 left/);

    const pending = await cli(sandbox, ['trigger', 'refund.created', '--payment', payment, '--status', 'pending']);
    expect(pending.code, pending.stderr).to.equal(0);
    expect((await api(sandbox, `/payments/${payment}`)).body.substatus).to.equal('partially_refunded');
    const settled = await fire({ type: 'refund.updated', payment_id: payment, status: 'succeeded' });
    const updated = await envelopeOf(settled, 'refund.updated');
    expect((updated.data as Json).status).to.equal('succeeded');
    expect(updated.previous_attributes).to.deep.include({ status: 'pending' });
    const after = (await api(sandbox, `/payments/${payment}`)).body;
    expect([after.substatus, after.refunded_amount, (after.refunds as unknown[]).length]).to.deep.equal([
      'refunded',
      49,
      2,
    ]);
  });

  it('opens and updates disputes, raises a dispute alert', async () => {
    const payment = await paid('49.00');
    const opened = await fire({ type: 'dispute.created', payment_id: payment, reason: 'Product not received' });
    const dispute = (await envelopeOf(opened, 'dispute.created')).data as Json;
    expect(dispute).to.include({
      status: 'needs_response',
      amount: 49,
      currency: 'usd',
      reason: 'Product not received',
    });
    expect((dispute.company as Json).id).to.equal('biz_creator2');
    const won = await fire({ type: 'dispute.updated', payment_id: payment, status: 'won' });
    const update = await envelopeOf(won, 'dispute.updated');
    expect([(update.data as Json).status, (update.previous_attributes as Json).status]).to.deep.equal([
      'won',
      'needs_response',
    ]);
    const alerted = await fire({ type: 'dispute_alert.created', payment_id: payment, alert_type: 'fraud' });
    const alert = (await envelopeOf(alerted, 'dispute_alert.created')).data as Json;
    expect(alert).to.include({ alert_type: 'fraud', amount: 49 });
    expect((alert.payment as Json).id).to.equal(payment);
    expect((await api(sandbox, `/payments/${payment}`)).body.dispute_alerted_at).to.be.a('string');
    const bad = await control(sandbox, 'POST', '/events', {
      type: 'dispute.updated',
      payment_id: payment,
      status: 'maybe',
    });
    expect(bad.status).to.equal(400);
  });

  it('sends invoice.past_due then invoice.paid for a plan membership, with the same invoice', async () => {
    const pastDue = await fire({ type: 'invoice.past_due', membership_id: 'mem_seedcreatorpro' });
    const first = await envelopeOf(pastDue, 'invoice.past_due');
    expect(first.company_id).to.equal('biz_chronos');
    const invoice = first.data as Json;
    expect(invoice).to.include({ status: 'past_due' });
    expect((invoice.current_plan as Json).id).to.equal('plan_pro');
    expect((invoice.user as Json).id).to.equal('user_creator_pro');
    const paidInvoice = await cli(sandbox, ['trigger', 'invoice.paid', '--membership', 'mem_seedcreatorpro']);
    expect(paidInvoice.code, paidInvoice.stderr).to.equal(0);
    const second = await delivered(/webhook-id (msg_\w+)/.exec(paidInvoice.stdout)?.[1] ?? '');
    expect([(second.data as Json).id, (second.data as Json).status]).to.deep.equal([invoice.id, 'paid']);
  });

  it('sends trial-ending notices and membership.updated by hand', async () => {
    await installOnCreatorOne(sandbox);
    const trial = await fire({ type: 'membership.trial_ending_soon', membership_id: 'mem_seedstudent1' });
    expect(((await envelopeOf(trial, 'membership.trial_ending_soon')).data as Json).id).to.equal('mem_seedstudent1');
    const updated = await fire({ type: 'membership.updated', membership_id: 'mem_seedstudent1', status: 'trialing' });
    expect(updated.events.map((e) => e.type)).to.deep.equal(['membership.updated']);
    const envelope = await envelopeOf(updated, 'membership.updated');
    expect([(envelope.data as Json).status, (envelope.previous_attributes as Json).status]).to.deep.equal([
      'trialing',
      'active',
    ]);
  });

  it('authorizes a payment, then cancels it (payment.authorized, payment.canceled)', async () => {
    const authorized = await fire({ type: 'payment.authorized', user: 'user_student2', product: 'prod_course2' });
    expect(authorized.events.map((e) => e.type)).to.deep.equal(['payment.created', 'payment.authorized']);
    const paymentId = String(authorized.payment?.id);
    const canceled = await fire({ type: 'payment.canceled', payment_id: paymentId });
    expect((await envelopeOf(canceled, 'payment.canceled')).data as Json).to.include({
      status: 'void',
      substatus: 'canceled',
    });
    const again = await control(sandbox, 'POST', '/events', { type: 'payment.canceled', payment_id: paymentId });
    expect(again.status).to.equal(409);
  });

  it("takes payments in Whop's currencies with exact amounts (usdt, whop_usd, btc, eth), refusing more precision than a currency has", async () => {
    await control(sandbox, 'POST', '/webhooks/all', { api_version_date: 'latest' });
    const cases: Array<[string, string, string, number]> = [
      ['btc', '0.00012345', '0.00012345', 8],
      ['eth', '0.000000000000000001', '0.000000000000000001', 18],
      ['usdt', '12.345678', '12.345678', 6],
      ['whop_usd', '7.5', '7.50', 2],
      ['jpy', '4900', '4900', 0],
    ];
    for (const [currency, amount, exact, decimals] of cases) {
      const fired = await fire({
        type: 'payment.succeeded',
        user: 'user_student2',
        product: 'prod_course2',
        amount,
        currency,
      });
      const total = ((await envelopeOf(fired, 'payment.succeeded')).data as Json).total as Json;
      expect([total.amount, total.currency, total.decimals], currency).to.deep.equal([exact, currency, decimals]);
    }
    const tooPrecise = await control<{ error: { message: string } }>(sandbox, 'POST', '/payments', {
      user: 'user_student2',
      product: 'prod_course2',
      amount: '1.001',
      currency: 'usd',
    });
    expect(tooPrecise.status).to.equal(400);
    expect(tooPrecise.body.error.message).to.match(/at most 2 decimals/);
    const unknown = await control(sandbox, 'POST', '/payments', {
      user: 'user_student2',
      product: 'prod_course2',
      amount: '1',
      currency: 'doge',
    });
    expect(unknown.status).to.equal(400);
  });

  it('fires from the control UI form too, with a currency', async () => {
    const form = await openForm(sandbox, '/sandbox/events');
    expect(form.text).to.include('value="refund.created"');
    const res = await request(sandbox.url).post('/sandbox/events').set('Cookie', form.cookie).type('form').send({
      _csrf: form.token,
      type: 'payment.succeeded',
      user: 'user_student2',
      product: 'prod_course2',
      amount: '0.5',
      currency: 'usdt',
      status: '',
      membership_id: '',
      payment_id: '',
    });
    expect(res.status).to.equal(303);
    expect(decodeURIComponent((res.headers.location ?? '').replace(/\+/g, ' '))).to.match(
      /Fired payment\.created, membership\.activated, membership\.updated, payment\.succeeded/,
    );
    const payment = sandbox.sandbox.state.listPayments().at(-1);
    expect([payment?.amount, payment?.currency]).to.deep.equal(['0.500000', 'usdt']);
  });
});
