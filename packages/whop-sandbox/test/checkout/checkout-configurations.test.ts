/**
 * Checkout configurations as Whop documents them: `POST /checkout_configurations` through the
 * official `@whop/sdk` answers a `purchase_url`; paying there sends the browser to
 * `redirect_url` with `status` and `payment` added, and the membership carries the metadata.
 */
import { expect } from 'chai';
import Whop from '@whop/sdk';
import request from 'supertest';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';

async function openPage(sandbox: TestSandbox, page: string) {
  const res = await request(sandbox.url).get(page);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .find((c) => c?.startsWith('whop_sandbox_csrf='));
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  return { res, cookie: cookie ?? '', token: token ?? '' };
}

describe('sandbox checkout configurations', () => {
  let sandbox: TestSandbox;
  let whop: Whop;
  let proPlan: string;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
    whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
    const plans = await whop.plans.list({ account_id: 'biz_chronos', product_ids: ['prod_pro'] });
    proPlan = plans.data[0]!.id;
  });
  afterEach(() => sandbox.close());

  const create = () =>
    whop.checkoutConfigurations.create({
      plan_id: proPlan,
      redirect_url: 'http://localhost:3999/billing/return?tier=pro',
      metadata: { chronos_tier: 'pro' },
    });

  it('creates one for a plan through the SDK and answers its purchase URL, plan and redirect', async () => {
    const created = await create();
    expect(created.id).to.match(/^ch_/);
    expect(created.account_id).to.equal('biz_chronos');
    expect(created.mode).to.equal('payment');
    expect(created.plan?.id).to.equal(proPlan);
    expect(created.plan?.renewal_price).to.equal(49);
    expect(created.redirect_url).to.equal('http://localhost:3999/billing/return?tier=pro');
    expect(created.metadata).to.deep.equal({ chronos_tier: 'pro' });
    expect(created.purchase_url).to.equal(`${sandbox.url}/sandbox/checkout/prod_pro?session=${created.id}`);
    expect((await whop.checkoutConfigurations.retrieve(created.id)).purchase_url).to.equal(created.purchase_url);
  });

  it('refuses a missing plan, an unknown plan and a redirect that is not a web URL, in Whop’s error shape', async () => {
    const post = (body: unknown) =>
      request(sandbox.url)
        .post('/api/v1/checkout_configurations')
        .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`)
        .send(body as object);
    const missing = await post({});
    expect(missing.status).to.equal(400);
    expect(missing.body.error.message).to.contain('plan_id');
    expect((await post({ plan_id: 'plan_nope' })).status).to.equal(404);
    const script = await post({ plan_id: proPlan, redirect_url: 'javascript:alert(1)' });
    expect(script.status).to.equal(400);
    expect(script.body.error.message).to.contain('redirect_url');
  });

  it('sells the configured plan, copies the metadata and sends the buyer to redirect_url with status and payment', async () => {
    const created = await create();
    const page = await openPage(
      sandbox,
      new URL(created.purchase_url!).pathname + new URL(created.purchase_url!).search,
    );
    expect(page.res.status).to.equal(200);
    expect(page.res.text).to.contain(`name="session" value="${created.id}"`);
    const paid = await request(sandbox.url)
      .post('/sandbox/checkout/prod_pro')
      .set('Cookie', page.cookie)
      .type('form')
      .send({ _csrf: page.token, user: 'user_creator_free', outcome: 'succeeded', session: created.id });
    expect(paid.status).to.equal(303);
    const back = new URL(paid.headers.location as string);
    expect(`${back.origin}${back.pathname}`).to.equal('http://localhost:3999/billing/return');
    expect(back.searchParams.get('tier')).to.equal('pro');
    expect(back.searchParams.get('status')).to.equal('succeeded');
    const paymentId = back.searchParams.get('payment')!;
    expect(paymentId).to.match(/^pay_/);
    const payment = await whop.payments.retrieve(paymentId);
    expect(payment.substatus).to.equal('succeeded');
    const memberships = await whop.memberships.list({ company_id: 'biz_chronos', user_ids: ['user_creator_free'] });
    const membership = memberships.data.find((m) => m.product?.id === 'prod_pro')!;
    expect(membership.status).to.equal('active');
    expect(membership.metadata).to.deep.equal({ chronos_tier: 'pro' });
  });

  it('keeps a declined buyer on the checkout (no redirect), and refuses an unknown session', async () => {
    const created = await create();
    const page = await openPage(sandbox, `/sandbox/checkout/prod_pro?session=${created.id}`);
    const declined = await request(sandbox.url)
      .post('/sandbox/checkout/prod_pro')
      .set('Cookie', page.cookie)
      .type('form')
      .send({ _csrf: page.token, user: 'user_creator_free', outcome: 'failed', session: created.id });
    expect(declined.status).to.equal(200);
    expect(declined.text).to.contain('Payment declined');
    const unknown = await request(sandbox.url).get('/sandbox/checkout/prod_pro?session=ch_unknown1');
    expect(unknown.status).to.equal(404);
    expect(unknown.text).to.contain('This checkout link has expired or does not exist.');
    const otherProduct = await request(sandbox.url).get(`/sandbox/checkout/prod_basic?session=${created.id}`);
    expect(otherProduct.status).to.equal(404);
  });
});
