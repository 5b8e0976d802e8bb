import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { eventually, verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { ReceivedWebhook, WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';
import { cli, control, openForm } from './helpers.ts';

type Json = Record<string, unknown>;

describe('sandbox: each webhook has a payload version', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;
  let running: SandboxWithListener;

  beforeEach(async () => {
    running = await startSandboxWithListener();
    ({ sandbox, listener } = running);
  });
  afterEach(() => running.close());

  /** Fires, then returns the verified v1 envelopes of that call's deliveries, by type. */
  async function fire(body: Json): Promise<Map<string, Json>> {
    const before = listener.received.length;
    const res = await control<{ events: Array<{ webhook_id: string; delivery_status: string }> }>(
      sandbox,
      'POST',
      '/events',
      body,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const sent = res.body.events.filter((e) => e.delivery_status !== 'skipped');
    await listener.waitFor(before + sent.length);
    await eventually(() =>
      sent.every((e) => sandbox.sandbox.core.deliveries.log.get(e.webhook_id)?.status === 'delivered'),
    );
    const mine = listener.received.filter((w) => sent.some((e) => e.webhook_id === w.headers['webhook-id']));
    return new Map(
      mine.map((w) => {
        const envelope = verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as Json;
        return [String(envelope.type), envelope];
      }),
    );
  }

  it('unpinned (the seed): the legacy nested shape with company_id, as Whop documents for unpinned v1 webhooks', async () => {
    const events = await fire({ type: 'membership.activated', user: 'user_student2', product: 'prod_course2' });
    const envelope = events.get('membership.activated')!;
    expect(Object.keys(envelope)).to.deep.equal([
      'id',
      'type',
      'api_version',
      'api_version_date',
      'timestamp',
      'company_id',
      'data',
    ]);
    expect([envelope.api_version, envelope.api_version_date, envelope.company_id]).to.deep.equal([
      'v1',
      null,
      'biz_creator2',
    ]);
    const data = envelope.data as Json;
    expect(data.company).to.deep.equal({ id: 'biz_creator2', title: 'Creator Two Studio' });
    expect((data.product as Json).id).to.equal('prod_course2');
    expect((data.plan as Json).id).to.equal('plan_course2');
    expect((data.user as Json).id).to.equal('user_student2');
    expect(data).to.include.keys('updated_at', 'renewal_period_start', 'renewal_period_end');
    expect(data).to.not.have.any.keys('account', 'product_id', 'user_id', 'current_period_end');

    const paid = await fire({ type: 'payment.succeeded', membership_id: data.id, amount: '12.50' });
    expect((paid.get('payment.succeeded')!.data as Json).total).to.equal(12.5);
  });

  it('pinned to a recent date: the native flat shape with account_id, money objects and previous_attributes', async () => {
    const set = await control<{ data: Json[] }>(sandbox, 'POST', '/webhooks/all', { api_version_date: '2026-11-17' });
    expect(set.body.data.map((w) => [w.id, w.api_version_date, w.payload_shape])).to.deep.equal([
      ['hook_company', '2026-11-17', 'native'],
      ['hook_app', '2026-11-17', 'native'],
    ]);
    const events = await fire({
      type: 'payment.succeeded',
      user: 'user_student2',
      product: 'prod_course2',
      amount: '50.00',
    });

    const activated = events.get('membership.activated')!;
    expect(Object.keys(activated)).to.deep.equal([
      'id',
      'type',
      'api_version',
      'api_version_date',
      'timestamp',
      'account_id',
      'data',
    ]);
    expect([activated.api_version_date, activated.account_id]).to.deep.equal(['2026-11-17', 'biz_creator2']);
    const membership = activated.data as Json;
    expect(membership.account).to.deep.include({ id: 'biz_creator2', title: 'Creator Two Studio' });
    expect([membership.product_id, membership.plan_id, membership.user_id, membership.status]).to.deep.equal([
      'prod_course2',
      'plan_course2',
      'user_student2',
      'active',
    ]);
    expect((membership.member as Json).id).to.match(/^mber_/);
    expect(membership.current_period_start).to.be.a('string');
    expect(membership.current_period_end).to.be.a('string');
    expect(membership).to.not.have.any.keys(
      'updated_at',
      'company',
      'product',
      'plan',
      'user',
      'renewal_period_start',
      'renewal_period_end',
    );

    const payment = events.get('payment.succeeded')!.data as Json;
    expect(payment.total).to.deep.equal({ amount: '50.00', currency: 'usd', decimals: 2, display_decimals: 2 });
    expect(payment).to.include({
      user_id: 'user_student2',
      membership_id: membership.id,
      plan_id: 'plan_course2',
      product_id: 'prod_course2',
      customer_email: 'student2@example.test',
      substatus: 'succeeded',
      status: 'paid',
    });
    expect(payment).to.not.have.any.keys('user', 'company', 'membership', 'product');

    const off = await fire({ type: 'membership.deactivated', membership_id: membership.id, status: 'canceled' });
    const updated = off.get('membership.updated')!;
    expect(updated.previous_attributes).to.deep.include({ status: 'active' });
    expect((updated.data as Json).status).to.equal('canceled');
  });

  it('pinned to a date before the native shape: still nested with company_id, carrying that date', async () => {
    await control(sandbox, 'POST', '/webhooks/hook_app', { api_version_date: '2026-07-20' });
    const events = await fire({ type: 'membership.activated', user: 'user_student2', product: 'prod_course2' });
    const envelope = events.get('membership.activated')!;
    expect([envelope.api_version_date, envelope.company_id, 'account_id' in envelope]).to.deep.equal([
      '2026-07-20',
      'biz_creator2',
      false,
    ]);
    expect(((envelope.data as Json).company as Json).id).to.equal('biz_creator2');
  });

  it('is per webhook: the app webhook pinned, the company webhook left unpinned', async () => {
    await control(sandbox, 'POST', '/webhooks/hook_app', { api_version_date: 'latest' });
    const creator = await fire({ type: 'membership.activated', user: 'user_student2', product: 'prod_course2' });
    expect(creator.get('membership.activated')).to.include.keys('account_id');
    const own = await fire({ type: 'membership.deactivated', user: 'user_creator_pro', product: 'prod_pro' });
    expect(own.get('membership.deactivated')).to.include({ company_id: 'biz_chronos', api_version_date: null });
  });

  it('delivers underscore names when set so (from the CLI); events with no older name are not sent there', async () => {
    const run = await cli(sandbox, ['webhook', '--names', 'underscore']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/hook_app\s+app\s+(\S+\s+)?v1\s+unpinned\s+legacy\s+underscore\s+yes/);
    const res = await control<{ events: Array<{ type: string; event_type: string; delivery_status: string }> }>(
      sandbox,
      'POST',
      '/payments',
      { user: 'user_student2', product: 'prod_course2' },
    );
    expect(res.body.events.filter((e) => e.delivery_status !== 'skipped').map((e) => e.type)).to.deep.equal([
      'payment_created',
      'membership_went_valid',
      'payment_succeeded',
    ]);
    expect(res.body.events.filter((e) => e.delivery_status === 'skipped').map((e) => e.event_type)).to.deep.equal([
      'membership.updated',
    ]);
    const received = await listener.waitFor(3);
    const types = received.map((w) => (verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as Json).type);
    expect(types).to.have.members(['payment_created', 'membership_went_valid', 'payment_succeeded']);
  });

  it('delivers the legacy v5 scheme when set so (from the control UI): X-Whop-Signature over "t.body", {action, api_version, data}', async () => {
    const form = await openForm(sandbox, '/sandbox/webhooks');
    const saved = await request(sandbox.url)
      .post('/sandbox/webhooks/hook_app')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ _csrf: form.token, api_version: 'v5', api_version_date: '', event_names: 'dotted', enabled: 'true' });
    expect(saved.status).to.equal(303);
    expect(sandbox.sandbox.state.getWebhook('hook_app')?.api_version).to.equal('v5');

    await control(sandbox, 'POST', '/payments', { user: 'user_student2', product: 'prod_course2', amount: '49.00' });
    const received: ReceivedWebhook[] = await listener.waitFor(2);
    for (const webhook of received) {
      const header = webhook.headers['x-whop-signature'] ?? '';
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      expect(match, header).to.not.equal(null);
      const expected = createHmac('sha256', sandbox.options.app.webhookSecret)
        .update(`${match![1]}.${webhook.body}`)
        .digest('hex');
      expect(match![2]).to.equal(expected);
      expect(webhook.headers).to.not.have.any.keys('webhook-id', 'webhook-signature');
    }
    const bodies = received.map((w) => JSON.parse(w.body) as Json);
    expect(bodies.map((b) => b.action)).to.have.members(['membership.went_valid', 'payment.succeeded']);
    const valid = bodies.find((b) => b.action === 'membership.went_valid')!;
    expect(Object.keys(valid)).to.deep.equal(['action', 'api_version', 'data', 'company']);
    expect(valid.company).to.equal('biz_creator2');
    const data = valid.data as Json;
    expect(data).to.include({
      user_id: 'user_student2',
      product_id: 'prod_course2',
      plan_id: 'plan_course2',
      page_id: 'biz_creator2',
      valid: true,
      status: 'active',
    });
    expect(data.created_at).to.be.a('number');
    const payment = bodies.find((b) => b.action === 'payment.succeeded')!.data as Json;
    expect(payment).to.include({
      final_amount: 49,
      currency: 'usd',
      user_id: 'user_student2',
      company_id: 'biz_creator2',
      status: 'paid',
    });
    expect(payment.paid_at).to.be.a('number');
  });

  it('refuses a malformed date with a clear 400 and changes nothing', async () => {
    const bad = await control<{ error: { message: string } }>(sandbox, 'POST', '/webhooks/all', {
      api_version_date: '2026-13-45',
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/api_version_date/);
    const unknown = await control(sandbox, 'POST', '/webhooks/hook_nope', { api_version_date: null });
    expect(unknown.status).to.equal(404);
    expect(sandbox.sandbox.state.listWebhooks().map((w) => w.api_version_date)).to.deep.equal([null, null]);
  });
});
