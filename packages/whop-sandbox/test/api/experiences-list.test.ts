/**
 * `GET /api/v1/experiences` as Whop publishes it (docs.whop.com/api-reference/experiences/
 * list-experiences; `@whop/sdk`'s `experiences.list`): a company's experiences, `company_id`
 * required, filtered by `app_id` and `product_id`, cursor-paginated, each item with its app and
 * company but no products. With the app's API key only companies that installed the app.
 */
import { expect } from 'chai';
import Whop from '@whop/sdk';
import request from 'supertest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';

describe('sandbox experiences list (GET /experiences)', () => {
  let sandbox: TestSandbox;
  let whop: Whop;
  const list = async (query: Parameters<Whop['experiences']['list']>[0]) => {
    const items = [];
    for await (const item of whop.experiences.list(query)) items.push(item);
    return items;
  };

  beforeEach(async () => {
    sandbox = await startTestSandbox();
    whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
  });
  afterEach(() => sandbox.close());

  it('lists the experience installing the app created, with its app and company, through the SDK', async () => {
    const items = await list({ company_id: 'biz_creator2', app_id: sandbox.options.app.clientId });
    expect(items.map((e) => e.id)).to.deep.equal(['exp_creator2']);
    const [item] = items;
    expect(item!.company).to.deep.include({ id: 'biz_creator2' });
    expect(item!.company.title).to.be.a('string').and.not.equal('');
    expect(item!.app.id).to.equal(sandbox.options.app.clientId);
    expect(item).not.to.have.property('products');
  });

  it('filters by app and by product', async () => {
    expect(await list({ company_id: 'biz_creator2', app_id: 'app_someoneelse' })).to.deep.equal([]);
    expect((await list({ company_id: 'biz_creator2', product_id: 'prod_course2' })).map((e) => e.id)).to.deep.equal([
      'exp_creator2',
    ]);
    expect(await list({ company_id: 'biz_creator2', product_id: 'prod_course1' })).to.deep.equal([]);
  });

  it('refuses a company without the app (403, Whop’s error shape) until it is installed', async () => {
    const refused = await request(sandbox.url)
      .get('/api/v1/experiences?company_id=biz_creator1')
      .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.have.property('message').that.contains('not installed');
    await installOnCreatorOne(sandbox);
    expect((await list({ company_id: 'biz_creator1' })).map((e) => e.id)).to.deep.equal(['exp_creator1']);
  });

  it('requires company_id (400) and drops the experience with its installation', async () => {
    const missing = await request(sandbox.url)
      .get('/api/v1/experiences')
      .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`);
    expect(missing.status).to.equal(400);
    expect(missing.body.error.message).to.contain('company_id');
    await installOnCreatorOne(sandbox);
    await request(sandbox.url).post('/sandbox/api/installations/biz_creator1/uninstall').send({}).expect(200);
    const after = await request(sandbox.url)
      .get('/api/v1/experiences?company_id=biz_creator1')
      .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`);
    expect(after.status).to.equal(403);
  });
});
