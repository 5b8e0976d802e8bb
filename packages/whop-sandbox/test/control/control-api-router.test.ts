import { expect } from 'chai';
import request from 'supertest';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';

interface Envelope {
  id: string;
  type: string;
  company_id: string;
  data: Record<string, unknown>;
}

describe('sandbox control API', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;
  let control: ReturnType<typeof request>;
  let running: SandboxWithListener;

  beforeEach(async () => {
    running = await startSandboxWithListener({ installOnCreatorOne: true });
    ({ sandbox, listener } = running);
    control = request(sandbox.url);
  });
  afterEach(() => running.close());

  /** The verified envelopes, in publishing order (webhooks may arrive in any order, as on Whop). */
  async function envelopes(count: number): Promise<Envelope[]> {
    const received = await listener.waitFor(count);
    const verified = received.map((w) => verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as Envelope);
    const order = sandbox.sandbox.core.deliveries.log
      .list()
      .map((d) => d.eventId)
      .reverse();
    return verified.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  }

  it('shows the registered app as Whop’s dashboard does', async () => {
    const res = await control.get('/sandbox/api/app');
    expect(res.status).to.equal(200);
    const { app } = sandbox.options;
    expect([
      res.body.client_id,
      res.body.client_secret,
      res.body.redirect_uri,
      res.body.webhook_url,
      res.body.webhook_secret,
      res.body.api_key,
      res.body.company_id,
    ]).to.deep.equal([
      app.clientId,
      app.clientSecret,
      app.redirectUri,
      app.webhookUrl,
      app.webhookSecret,
      app.apiKey,
      'biz_chronos',
    ]);
    expect(res.body.issuer).to.equal(sandbox.url);
  });

  it('lists the seed: users with their companies, companies with products', async () => {
    const users = await control.get('/sandbox/api/users');
    const byId = Object.fromEntries(users.body.data.map((u: { id: string; admin_of: string[] }) => [u.id, u.admin_of]));
    expect(byId).to.deep.equal({
      user_admin: ['biz_chronos'],
      user_creator_free: ['biz_creator1'],
      user_creator_pro: ['biz_creator2'],
      user_student1: [],
      user_student2: [],
    });
    const companies = await control.get('/sandbox/api/companies');
    const products = Object.fromEntries(
      companies.body.data.map((c: { id: string; products: Array<{ id: string }> }) => [
        c.id,
        c.products.map((p) => p.id),
      ]),
    );
    expect(products).to.deep.equal({
      biz_chronos: ['prod_basic', 'prod_pro', 'prod_enterprise'],
      biz_creator1: ['prod_course1'],
      biz_creator2: ['prod_course2'],
    });
    const memberships = await control.get('/sandbox/api/memberships?product=prod_course1');
    expect(memberships.body.data.length).to.equal(2);
  });

  it('creates a user and a membership, which fires membership.activated (and, as Whop does, membership.updated)', async () => {
    const user = await control.post('/sandbox/api/users').send({ username: 'newbie', name: 'New Bie' });
    expect(user.status).to.equal(201);
    expect(user.body.user.id).to.match(/^user_/);

    const created = await control
      .post('/sandbox/api/memberships')
      .send({ user: user.body.user.id, product: 'prod_course1' });
    expect(created.status).to.equal(201);
    expect(created.body.membership.status).to.equal('active');
    expect(created.body.membership.company.id).to.equal('biz_creator1');
    expect(created.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
      'membership.activated',
      'membership.updated',
    ]);

    const [event, updated] = await envelopes(2);
    expect(updated?.type).to.equal('membership.updated');
    expect(updated?.data.id).to.equal(created.body.membership.id);
    expect(event?.type).to.equal('membership.activated');
    expect(event?.company_id).to.equal('biz_creator1');
    expect(event?.data.id).to.equal(created.body.membership.id);

    const again = await control
      .post('/sandbox/api/memberships')
      .send({ user_id: user.body.user.id, product_id: 'prod_course1' });
    expect(again.status).to.equal(409);
  });

  it('changes status: invalid fires deactivated, valid again fires activated, with increasing updated_at', async () => {
    const off = await control.post('/sandbox/api/memberships/mem_seedstudent1/status').send({ status: 'canceled' });
    expect(off.status).to.equal(200);
    expect(off.body.membership.status).to.equal('canceled');
    const on = await control.post('/sandbox/api/memberships/mem_seedstudent1/status').send({ status: 'active' });
    expect(on.body.membership.status).to.equal('active');
    const same = await control.post('/sandbox/api/memberships/mem_seedstudent1/status').send({ status: 'active' });
    expect(same.body.events).to.deep.equal([]);

    const [deactivated, updatedOff, activated, updatedOn] = await envelopes(4);
    expect([updatedOff?.type, updatedOn?.type]).to.deep.equal(['membership.updated', 'membership.updated']);
    expect((updatedOff as unknown as { previous_attributes: Record<string, unknown> }).previous_attributes).to.include({
      status: 'active',
    });
    expect((updatedOn as unknown as { previous_attributes: Record<string, unknown> }).previous_attributes).to.include({
      status: 'canceled',
    });
    expect(deactivated?.type).to.equal('membership.deactivated');
    expect(deactivated?.data.status).to.equal('canceled');
    expect(activated?.type).to.equal('membership.activated');
    expect(activated?.data.status).to.equal('active');
    expect(Date.parse(String(activated?.data.updated_at))).to.be.above(
      Date.parse(String(deactivated?.data.updated_at)),
    );
  });

  it('cancel at period end fires membership.cancel_at_period_end_changed and keeps access', async () => {
    const res = await control
      .post('/sandbox/api/memberships/mem_seedcreatorpro/cancel_at_period_end')
      .send({ cancel_at_period_end: true });
    expect(res.status).to.equal(200);
    expect(res.body.membership.status).to.equal('canceling');
    expect(res.body.membership.cancel_at_period_end).to.equal(true);
    const [event, updated] = await envelopes(2);
    expect(updated?.type).to.equal('membership.updated');
    expect(event?.type).to.equal('membership.cancel_at_period_end_changed');
    expect(event?.company_id).to.equal('biz_chronos');
    expect(event?.data.cancel_at_period_end).to.equal(true);
  });

  it('takes a payment that succeeds: payment.created, membership.activated, payment.succeeded', async () => {
    const res = await control
      .post('/sandbox/api/payments')
      .send({ user: 'user_creator_free', product: 'prod_basic', outcome: 'succeeded', amount: '19.99' });
    expect(res.status).to.equal(201);
    expect(res.body.payment.substatus).to.equal('succeeded');
    expect(res.body.payment.total).to.equal(19.99);
    expect(res.body.membership.status).to.equal('active');
    const events = await envelopes(4);
    expect(events.map((e) => e.type)).to.deep.equal([
      'payment.created',
      'membership.activated',
      'membership.updated',
      'payment.succeeded',
    ]);
    const succeeded = events[3]!;
    expect(succeeded.company_id).to.equal('biz_chronos');
    expect(succeeded.data.status).to.equal('paid');
    expect((succeeded.data.user as { id: string }).id).to.equal('user_creator_free');
    expect((succeeded.data.membership as { id: string }).id).to.equal(res.body.membership.id);
  });

  it('takes a payment that fails: the membership goes past_due (deactivated) and payment.failed fires', async () => {
    const res = await control
      .post('/sandbox/api/payments')
      .send({ membership_id: 'mem_seedcreatorpro', outcome: 'failed', amount_cents: 4900 });
    expect(res.status).to.equal(201);
    expect(res.body.payment.substatus).to.equal('failed');
    expect(res.body.payment.total).to.equal(49);
    expect(res.body.membership.status).to.equal('past_due');
    const events = await envelopes(4);
    expect(events.map((e) => e.type)).to.deep.equal([
      'payment.created',
      'membership.deactivated',
      'membership.updated',
      'payment.failed',
    ]);
    expect(events[3]?.data.failure_message).to.equal('Your card was declined. (sandbox)');
  });

  it('fires any event by hand, including types it does not model', async () => {
    const res = await control
      .post('/sandbox/api/events')
      .send({ type: 'membership.trial_ending_soon', user: 'user_student2', product: 'prod_course1' });
    expect(res.status).to.equal(201);
    const custom = await control
      .post('/sandbox/api/events')
      .send({ type: 'resolution_center_case.created', company: 'biz_creator1', data: { id: 'rcc_1' } });
    expect(custom.status).to.equal(201);
    const [trial, other] = await envelopes(2);
    expect(trial?.type).to.equal('membership.trial_ending_soon');
    expect(trial?.data.id).to.equal('mem_seedstudent2');
    expect([other?.type, other?.company_id, other?.data]).to.deep.equal([
      'resolution_center_case.created',
      'biz_creator1',
      { id: 'rcc_1' },
    ]);
  });

  it('keeps the dev mailbox: POST a mail, GET it back', async () => {
    const posted = await control.post('/sandbox/api/mailbox').send({
      from: 'Chronos <noreply@chronos.test>',
      to: 'student1@example.test',
      subject: 'Welcome',
      text: 'Hi!',
      html: '<p>Hi!</p>',
    });
    expect(posted.status).to.equal(201);
    expect(posted.body.id).to.match(/^mail_/);
    const listed = await control.get('/sandbox/api/mailbox');
    expect(listed.body.data.map((m: Record<string, unknown>) => [m.id, m.to, m.subject, m.text, m.html])).to.deep.equal(
      [[posted.body.id, 'student1@example.test', 'Welcome', 'Hi!', '<p>Hi!</p>']],
    );
  });

  it('answers 400 naming the bad fields, 404 for unknown ids, 415 for non-JSON posts', async () => {
    const badStatus = await control.post('/sandbox/api/memberships/mem_seedstudent1/status').send({ status: 'valid' });
    expect(badStatus.status).to.equal(400);
    expect(badStatus.body.error.type).to.equal('invalid_request_error');
    expect(badStatus.body.error.message).to.match(/status/);

    const noProduct = await control.post('/sandbox/api/memberships').send({ user: 'user_student1' });
    expect(noProduct.status).to.equal(400);
    expect(noProduct.body.error.message).to.match(/user and product are required/);

    const badAmount = await control
      .post('/sandbox/api/payments')
      .send({ membership_id: 'mem_seedstudent1', amount: '12.345' });
    expect(badAmount.status).to.equal(400);
    expect(badAmount.body.error.message).to.match(/amount/);

    const badMail = await control.post('/sandbox/api/mailbox').send({ from: 'a@b.c', to: 'd@e.f', subject: 'no body' });
    expect(badMail.status).to.equal(400);

    const badEvent = await control.post('/sandbox/api/events').send({ type: 'Not An Event' });
    expect(badEvent.status).to.equal(400);

    const unknown = await control.post('/sandbox/api/memberships/mem_nope/status').send({ status: 'active' });
    expect(unknown.status).to.equal(404);

    const notJson = await control.post('/sandbox/api/reset').type('form').send({ x: '1' });
    expect(notJson.status).to.equal(415);

    const malformed = await control
      .post('/sandbox/api/users')
      .set('content-type', 'application/json')
      .send('{"username":');
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.message).to.match(/not valid JSON/);
  });

  it('resets to the seed', async () => {
    await control.post('/sandbox/api/memberships/mem_seedstudent1/status').send({ status: 'expired' });
    await control.post('/sandbox/api/users').send({ username: 'temp' });
    const reset = await control.post('/sandbox/api/reset').send({});
    expect(reset.status).to.equal(200);
    const users = await control.get('/sandbox/api/users');
    expect(users.body.data.length).to.equal(5);
    const membership = await control.get('/sandbox/api/memberships?user=user_student1');
    expect(membership.body.data[0].status).to.equal('active');
    const deliveries = await control.get('/sandbox/api/deliveries');
    expect(deliveries.body.data).to.deep.equal([]);
  });
});
