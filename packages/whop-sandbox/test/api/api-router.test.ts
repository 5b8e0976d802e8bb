import { expect } from 'chai';
import request from 'supertest';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';
import { createTestClock } from '../support/test-clock.ts';
import { obtainUserAccessToken } from '../support/user-token.ts';

function assertErrorShape(body: unknown, type: string, code: string): void {
  expect(body).to.have.property('error').that.is.an('object');
  const { error } = body as { error: Record<string, unknown> };
  expect(error).to.include({ type, code });
  expect(error.message).to.be.a('string');
}

describe('sandbox REST API: credentials, refusals and errors', () => {
  let sandbox: TestSandbox;
  let api: ReturnType<typeof request>;
  let apiKey: string;

  before(async () => {
    sandbox = await startTestSandbox();
    api = request(sandbox.url);
    apiKey = sandbox.options.app.apiKey;
    await installOnCreatorOne(sandbox);
  });
  after(() => sandbox.close());

  it('answers 401 without a bearer token, and with an unknown one', async () => {
    const missing = await api.get('/api/v1/users/user_admin');
    expect(missing.status).to.equal(401);
    assertErrorShape(missing.body, 'authentication_error', 'unauthorized');

    const wrong = await api.get('/api/v1/users/user_admin').set('Authorization', 'Bearer apik_not_the_key');
    expect(wrong.status).to.equal(401);
    assertErrorShape(wrong.body, 'authentication_error', 'unauthorized');

    const basic = await api.get('/api/v1/users/user_admin').set('Authorization', `Basic ${apiKey}`);
    expect(basic.status).to.equal(401);
  });

  it('answers 404 in the Whop error shape for unknown objects and routes', async () => {
    const membership = await api.get('/api/v1/memberships/mem_nope').set('Authorization', `Bearer ${apiKey}`);
    expect(membership.status).to.equal(404);
    assertErrorShape(membership.body, 'not_found_error', 'not_found');
    expect(membership.body.error.message).to.match(/mem_nope/);

    const route = await api.get('/api/v1/no_such_thing').set('Authorization', `Bearer ${apiKey}`);
    expect(route.status).to.equal(404);
    assertErrorShape(route.body, 'not_found_error', 'not_found');
  });

  it('answers 400 for bad list parameters and a missing company_id with the API key', async () => {
    const noCompany = await api.get('/api/v1/memberships').set('Authorization', `Bearer ${apiKey}`);
    expect(noCompany.status).to.equal(400);
    assertErrorShape(noCompany.body, 'invalid_request_error', 'invalid_parameter');
    expect(noCompany.body.error.message).to.match(/company_id/);

    const badStatus = await api
      .get('/api/v1/memberships?company_id=biz_creator1&statuses[]=valid')
      .set('Authorization', `Bearer ${apiKey}`);
    expect(badStatus.status).to.equal(400);
    expect(badStatus.body.error.message).to.match(/statuses/);

    const badFirst = await api
      .get('/api/v1/memberships?company_id=biz_creator1&first=1000')
      .set('Authorization', `Bearer ${apiKey}`);
    expect(badFirst.status).to.equal(400);

    const badCursor = await api
      .get('/api/v1/memberships?company_id=biz_creator1&after=garbage')
      .set('Authorization', `Bearer ${apiKey}`);
    expect(badCursor.status).to.equal(400);
  });

  it('accepts array filters repeated without brackets too', async () => {
    const res = await api
      .get('/api/v1/memberships?company_id=biz_creator1&user_ids=user_student1&user_ids=user_admin')
      .set('Authorization', `Bearer ${apiKey}`);
    expect(res.status).to.equal(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).to.deep.equal(['mem_seedstudent1']);
  });

  it('pages backwards with last and before', async () => {
    const all = await api
      .get('/api/v1/memberships?company_id=biz_creator1&direction=asc')
      .set('Authorization', `Bearer ${apiKey}`);
    const ids = all.body.data.map((m: { id: string }) => m.id);
    expect(ids.length).to.equal(2);
    const lastOne = await api
      .get('/api/v1/memberships?company_id=biz_creator1&direction=asc&last=1')
      .set('Authorization', `Bearer ${apiKey}`);
    expect(lastOne.body.data.map((m: { id: string }) => m.id)).to.deep.equal([ids[1]]);
    expect(lastOne.body.page_info.has_previous_page).to.equal(true);
    const before = await api
      .get(
        `/api/v1/memberships?company_id=biz_creator1&direction=asc&last=1&before=${lastOne.body.page_info.start_cursor}`,
      )
      .set('Authorization', `Bearer ${apiKey}`);
    expect(before.body.data.map((m: { id: string }) => m.id)).to.deep.equal([ids[0]]);
    expect(before.body.page_info.has_previous_page).to.equal(false);
    expect(before.body.page_info.has_next_page).to.equal(true);
  });

  describe('with a user access token from the sandbox OIDC provider', () => {
    let token: string;

    before(async () => {
      token = await obtainUserAccessToken(sandbox, 'user_student1');
    });

    it('reads users/me (with email) and the user’s own membership', async () => {
      const me = await api.get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).to.equal(200);
      expect(me.body.id).to.equal('user_student1');
      expect(me.body.email).to.equal('student1@example.test');

      const own = await api.get('/api/v1/memberships/mem_seedstudent1').set('Authorization', `Bearer ${token}`);
      expect(own.status).to.equal(200);
      expect(own.body.user.id).to.equal('user_student1');
    });

    it('is refused on another user’s membership and access, and sees only its own list', async () => {
      const other = await api.get('/api/v1/memberships/mem_seedstudent2').set('Authorization', `Bearer ${token}`);
      expect(other.status).to.equal(403);
      assertErrorShape(other.body, 'permission_error', 'forbidden');

      const access = await api
        .get('/api/v1/users/user_student2/access/prod_course1')
        .set('Authorization', `Bearer ${token}`);
      expect(access.status).to.equal(403);

      const list = await api.get('/api/v1/memberships?company_id=biz_creator1').set('Authorization', `Bearer ${token}`);
      expect(list.status).to.equal(200);
      expect(list.body.data.map((m: { id: string }) => m.id)).to.deep.equal(['mem_seedstudent1']);

      const createProduct = await api
        .post('/api/v1/products')
        .set('Authorization', `Bearer ${token}`)
        .send({ title: 'Nope' });
      expect(createProduct.status).to.equal(403);
    });

    it('users/me with the API key is refused (an API key stands for no user)', async () => {
      const res = await api.get('/api/v1/users/me').set('Authorization', `Bearer ${apiKey}`);
      expect(res.status).to.equal(403);
    });
  });

  it('refuses an expired user access token with 401', async () => {
    const clock = createTestClock();
    const shortLived = await startTestSandbox({ accessTokenTtlSeconds: 1, now: clock.now });
    try {
      const token = await obtainUserAccessToken(shortLived, 'user_student1');
      const fresh = await request(shortLived.url).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
      expect(fresh.status).to.equal(200);
      clock.advance(1300);
      const expired = await request(shortLived.url).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
      expect(expired.status).to.equal(401);
      assertErrorShape(expired.body, 'authentication_error', 'unauthorized');
    } finally {
      await shortLived.close();
    }
  });

  it("rate-limits each credential with Whop's documented 429 body and no Retry-After", async () => {
    const limited = await startTestSandbox({ apiRateLimitPerMinute: 3 });
    try {
      const key = limited.options.app.apiKey;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push(
          (await request(limited.url).get('/api/v1/users/user_admin').set('Authorization', `Bearer ${key}`)).status,
        );
      expect(statuses).to.deep.equal([200, 200, 200]);
      const over = await request(limited.url).get('/api/v1/users/user_admin').set('Authorization', `Bearer ${key}`);
      expect(over.status).to.equal(429);
      expect(Object.keys(over.body.error)).to.deep.equal(['type', 'message']);
      expect(over.body.error.type).to.equal('rate_limit_exceeded');
      const seconds = Number(/^Try again in (\d+) seconds\.$/.exec(over.body.error.message)?.[1]);
      expect(seconds).to.be.within(1, 60);
      expect(over.headers['retry-after']).to.equal(undefined);

      // Another credential has its own budget.
      const token = await obtainUserAccessToken(limited, 'user_student2');
      const other = await request(limited.url).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
      expect(other.status).to.equal(200);
    } finally {
      await limited.close();
    }
  });
});
