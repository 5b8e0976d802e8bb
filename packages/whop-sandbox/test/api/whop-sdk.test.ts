import { expect } from 'chai';
import Whop from '@whop/sdk';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';

describe('sandbox REST API through the official @whop/sdk', () => {
  let sandbox: TestSandbox;
  let whop: Whop;
  const readerMemberships: string[] = [];

  before(async () => {
    sandbox = await startTestSandbox();
    await installOnCreatorOne(sandbox);
    whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
    // Three students of creator 2, so a company has several pages of memberships.
    for (const username of ['sdk_reader_a', 'sdk_reader_b', 'sdk_reader_c']) {
      const user = await control('/users', { username });
      const created = await control('/memberships', { user: user.user.id, product: 'prod_course2' });
      readerMemberships.push(created.membership.id);
    }
  });
  after(() => sandbox.close());

  async function control(path: string, body: unknown) {
    const response = await fetch(`${sandbox.url}/sandbox/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).to.be.within(200, 299);
    return (await response.json()) as { user: { id: string }; membership: { id: string } };
  }

  it('retrieves a seeded user by id and by username', async () => {
    const byId = await whop.users.retrieve('user_creator_pro');
    expect(byId.id).to.equal('user_creator_pro');
    expect(byId.username).to.equal('creator_pro');
    expect(byId.name).to.equal('Priya Pro');
    expect(byId.created_at).to.match(/^\d{4}-\d\d-\d\dT/);
    const byName = await whop.users.retrieve('student1');
    expect(byName.id).to.equal('user_student1');
  });

  it('pages through all memberships of a company with for-await, one or two per page', async () => {
    for (const first of [1, 2]) {
      const ids: string[] = [];
      for await (const membership of whop.memberships.list({ company_id: 'biz_creator2', first }))
        ids.push(membership.id);
      expect([...ids].sort()).to.deep.equal([...readerMemberships].sort());
    }
  });

  it('pages forward with explicit cursors and reports has_next_page', async () => {
    const first = await whop.memberships.list({ company_id: 'biz_creator1', first: 1 });
    expect(first.data.length).to.equal(1);
    expect((first.page_info as { has_next_page?: boolean }).has_next_page).to.equal(true);
    expect(first.hasNextPage()).to.equal(true);
    const second = await first.getNextPage();
    expect(second.data.length).to.equal(1);
    expect(second.data[0]?.id).not.to.equal(first.data[0]?.id);
    expect((second.page_info as { has_next_page?: boolean }).has_next_page).to.equal(false);
  });

  it('filters memberships by company, product, user and status', async () => {
    const students = await whop.memberships.list({
      company_id: 'biz_creator1',
      product_ids: ['prod_course1'],
      statuses: ['active'],
    });
    expect(students.data.map((m) => m.user?.id).sort()).to.deep.equal(['user_student1', 'user_student2']);
    for (const m of students.data) {
      expect(m.company.id).to.equal('biz_creator1');
      expect(m.company.title).to.equal('Creator One Academy');
      expect(m.product.id).to.equal('prod_course1');
      expect(m.status).to.equal('active');
    }

    const one = await whop.memberships.list({ company_id: 'biz_creator1', user_ids: ['user_student2'] });
    expect(one.data.map((m) => m.user?.id)).to.deep.equal(['user_student2']);

    const pro = await whop.memberships.list({ company_id: 'biz_chronos', product_ids: ['prod_pro', 'prod_basic'] });
    expect(pro.data.map((m) => [m.user?.id, m.product.id, m.plan.id])).to.deep.equal([
      ['user_creator_pro', 'prod_pro', 'plan_pro'],
    ]);

    const none = await whop.memberships.list({ company_id: 'biz_creator1', statuses: ['canceled', 'expired'] });
    expect(none.data).to.deep.equal([]);
  });

  it('retrieves one membership with the v1 fields the app reads', async () => {
    const membership = await whop.memberships.retrieve('mem_seedstudent1');
    expect(membership.id).to.equal('mem_seedstudent1');
    expect(membership.status).to.equal('active');
    expect(membership.cancel_at_period_end).to.equal(false);
    expect(membership.user).to.deep.equal({
      id: 'user_student1',
      username: 'student1',
      name: 'Sam Student',
      email: 'student1@example.test',
    });
    expect(membership.company).to.deep.equal({ id: 'biz_creator1', title: 'Creator One Academy' });
    expect(membership.product.id).to.equal('prod_course1');
    expect(membership.plan.id).to.equal('plan_course1');
    expect(membership.updated_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(membership.renewal_period_start).to.be.a('string');
    expect(Date.parse(membership.renewal_period_end ?? '')).to.be.above(Date.now());
  });

  it('answers checkAccess with admin, customer and no_access', async () => {
    expect(await whop.users.checkAccess('biz_creator1', { id: 'user_creator_free' })).to.deep.equal({
      has_access: true,
      access_level: 'admin',
    });
    expect(await whop.users.checkAccess('prod_course1', { id: 'user_creator_free' })).to.deep.equal({
      has_access: true,
      access_level: 'admin',
    });
    expect(await whop.users.checkAccess('prod_course1', { id: 'user_student1' })).to.deep.equal({
      has_access: true,
      access_level: 'customer',
    });
    expect(await whop.users.checkAccess('biz_creator1', { id: 'user_student1' })).to.deep.equal({
      has_access: true,
      access_level: 'customer',
    });
    expect(await whop.users.checkAccess('biz_creator2', { id: 'user_student1' })).to.deep.equal({
      has_access: false,
      access_level: 'no_access',
    });
    expect(await whop.users.checkAccess('biz_creator1', { id: 'user_creator_pro' })).to.deep.equal({
      has_access: false,
      access_level: 'no_access',
    });
  });

  it('reads products, plans, companies and payments', async () => {
    const products = await whop.products.list({ account_id: 'biz_chronos' });
    expect(products.data.map((p) => p.id).sort()).to.deep.equal(['prod_basic', 'prod_enterprise', 'prod_pro']);
    const product = await whop.products.retrieve('prod_course1');
    expect(product.company.id).to.equal('biz_creator1');
    const plans = await whop.plans.list({ account_id: 'biz_creator1' });
    expect(plans.data.map((p) => p.id)).to.deep.equal(['plan_course1']);
    const plan = await whop.plans.retrieve('plan_pro');
    expect(plan.renewal_price).to.equal(49);
    const company = await whop.companies.retrieve('biz_creator2');
    expect(company.owner_user.id).to.equal('user_creator_pro');

    const paid = await fetch(`${sandbox.url}/sandbox/api/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ membership_id: 'mem_seedcreatorpro', outcome: 'succeeded' }),
    });
    const { payment } = (await paid.json()) as { payment: { id: string } };
    const payments = await whop.payments.list({ company_id: 'biz_chronos' });
    expect(payments.data.map((p) => p.id)).to.deep.equal([payment.id]);
    const retrieved = await whop.payments.retrieve(payment.id);
    expect(retrieved.total).to.equal(49);
    expect(retrieved.currency).to.equal('usd');
    expect(retrieved.substatus).to.equal('succeeded');
    expect(retrieved.membership?.id).to.equal('mem_seedcreatorpro');
  });

  it('serves a plan’s prices as Whop’s v1 API does: initial_price, renewal_price, currency, billing_period', async () => {
    const plan = await whop.plans.retrieve('plan_basic');
    expect(plan).to.include({
      id: 'plan_basic',
      plan_type: 'renewal',
      initial_price: 19,
      renewal_price: 19,
      currency: 'usd',
      billing_period: 30,
    });
    const ofProduct = await whop.plans.list({ account_id: 'biz_chronos', product_ids: ['prod_enterprise'] });
    expect(ofProduct.data.map((p) => [p.id, p.renewal_price, p.currency, p.billing_period])).to.deep.equal([
      ['plan_enterprise', 199, 'usd', 30],
    ]);
  });

  it('creates a product with the API key', async () => {
    const created = await whop.products.create({ title: 'Bonus Workshop', account_id: 'biz_creator1' });
    expect(created.id).to.match(/^prod_/);
    expect(created.company.id).to.equal('biz_creator1');
    expect((await whop.products.retrieve(created.id)).title).to.equal('Bonus Workshop');
  });

  it('surfaces a 404 as the SDK NotFoundError', async () => {
    const error: unknown = await whop.memberships.retrieve('mem_missing').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Whop.NotFoundError);
    expect((error as Error).message).to.match(/mem_missing was not found/);
  });
});
