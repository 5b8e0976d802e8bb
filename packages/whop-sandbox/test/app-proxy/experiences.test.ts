/**
 * The app's experiences as the sandbox serves them: installing the app on a company creates its
 * experience, readable at `GET /api/v1/experiences/{id}` through the official SDK, with
 * check-access on `exp_` ids; the Whop frame pages exist for installed companies only.
 */
import { expect } from 'chai';
import Whop from '@whop/sdk';
import request from 'supertest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';

describe('sandbox experiences (created by installing the app)', () => {
  let sandbox: TestSandbox;
  let whop: Whop;

  before(async () => {
    sandbox = await startTestSandbox();
    whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
  });
  after(() => sandbox.close());

  it('serves the experience of an installed company, with its company and products', async () => {
    const experience = await whop.experiences.retrieve('exp_creator2');
    expect(experience.company).to.deep.include({ id: 'biz_creator2' });
    expect(experience.products.map((p) => p.id)).to.include('prod_course2');
    expect(experience.app.id).to.equal(sandbox.options.app.clientId);
  });

  it('has no experience for a company without the app until it is installed', async () => {
    const missing = await request(sandbox.url)
      .get('/api/v1/experiences/exp_creator1')
      .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`);
    expect(missing.status).to.equal(404);
    expect(missing.body.error).to.include({ type: 'not_found_error' });
    await installOnCreatorOne(sandbox);
    expect((await whop.experiences.retrieve('exp_creator1')).company.id).to.equal('biz_creator1');
  });

  it('answers check-access on an experience: admin, customer or no_access', async () => {
    const level = async (user: string) => (await whop.users.checkAccess('exp_creator2', { id: user })).access_level;
    expect(await level('user_creator_pro')).to.equal('admin');
    expect(await level('user_student1')).to.equal('no_access');
    expect(await level('user_creator_free')).to.equal('no_access');
  });

  it('shows the Whop frame pages of installed companies only', async () => {
    const page = await request(sandbox.url).get('/sandbox/whop/biz_creator2/exp_creator2');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Member view');
    expect((await request(sandbox.url).get('/sandbox/whop/biz_creator2/exp_creator1')).status).to.equal(404);
    expect((await request(sandbox.url).get('/sandbox/whop/biz_nobody/dashboard')).status).to.equal(404);
  });
});
