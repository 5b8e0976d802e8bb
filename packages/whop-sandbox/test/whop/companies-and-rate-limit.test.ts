import { expect } from 'chai';
import request from 'supertest';
import Whop from '@whop/sdk';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';
import { obtainUserAccessToken } from '../support/user-token.ts';
import { api, cli, control, openForm } from './helpers.ts';

describe('sandbox: GET /api/v1/companies and forced 429s', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.close());

  describe('GET /companies', () => {
    it("lists the companies a user access token's user administers, in the shape of the other lists", async () => {
      const token = await obtainUserAccessToken(sandbox, 'user_creator_pro');
      const res = await api(sandbox, '/companies', token);
      expect(res.status).to.equal(200);
      const data = res.body.data as Array<Record<string, unknown>>;
      expect(data.map((c) => c.id)).to.deep.equal(['biz_creator2']);
      expect(data[0]).to.include({ title: 'Creator Two Studio', route: 'creator-two-studio' });
      expect(data[0]?.owner_user).to.deep.equal({ id: 'user_creator_pro', name: 'Priya Pro', username: 'creator_pro' });
      expect(Object.keys(res.body.page_info as object)).to.have.members([
        'start_cursor',
        'end_cursor',
        'has_next_page',
        'has_previous_page',
      ]);

      const student = await obtainUserAccessToken(sandbox, 'user_student1');
      expect((await api(sandbox, '/companies', student)).body.data).to.deep.equal([]);
    });

    it('pages with first/after, and the SDK walks every page', async () => {
      // A user who runs three companies (set up in the state directly: the control API has no admin editing).
      for (const id of ['biz_chronos', 'biz_creator1', 'biz_creator2'])
        sandbox.sandbox.state.getCompany(id)?.admin_user_ids.push('user_student2');
      const token = await obtainUserAccessToken(sandbox, 'user_student2');
      const first = await api(sandbox, '/companies?first=2', token);
      const info = first.body.page_info as { end_cursor: string; has_next_page: boolean };
      expect((first.body.data as unknown[]).length).to.equal(2);
      expect(info.has_next_page).to.equal(true);
      const second = await api(sandbox, `/companies?first=2&after=${encodeURIComponent(info.end_cursor)}`, token);
      expect((second.body.data as unknown[]).length).to.equal(1);
      expect((second.body.page_info as { has_next_page: boolean }).has_next_page).to.equal(false);

      const whop = new Whop({ apiKey: token, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
      const ids: string[] = [];
      for await (const company of whop.companies.list({ first: 1 })) ids.push(company.id);
      expect(ids.sort()).to.deep.equal(['biz_chronos', 'biz_creator1', 'biz_creator2']);
    });

    it('lists, for the API key, its own company and those that installed the app', async () => {
      await installOnCreatorOne(sandbox);
      const all = await api(sandbox, '/companies');
      expect((all.body.data as Array<{ id: string }>).map((c) => c.id).sort()).to.deep.equal([
        'biz_chronos',
        'biz_creator1',
        'biz_creator2',
      ]);
      await control(sandbox, 'POST', '/installations/biz_creator1/uninstall', {});
      const fewer = await api(sandbox, '/companies');
      expect((fewer.body.data as Array<{ id: string }>).map((c) => c.id).sort()).to.deep.equal([
        'biz_chronos',
        'biz_creator2',
      ]);
    });
  });

  describe('429 for a chosen number of calls', () => {
    async function limited(count: number): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) statuses.push((await api(sandbox, '/users/user_admin')).status);
      return statuses;
    }

    it("answers Whop's documented body without Retry-After, for exactly that many calls (control API)", async () => {
      const set = await control(sandbox, 'POST', '/rate_limit', { calls: 2, retry_in_seconds: 7 });
      expect(set.body).to.deep.equal({ forced_calls_remaining: 2, retry_in_seconds: 7 });
      const over = await api(sandbox, '/users/user_admin');
      expect(over.status).to.equal(429);
      expect(over.body).to.deep.equal({ error: { type: 'rate_limit_exceeded', message: 'Try again in 7 seconds.' } });
      expect(over.headers.get('retry-after')).to.equal(null);
      expect(await limited(2)).to.deep.equal([429, 200]);
    });

    it('is set from the CLI and the control UI too, and the SDK gives up with a RateLimitError', async () => {
      const run = await cli(sandbox, ['rate-limit', '--calls', '1', '--seconds', '3']);
      expect(run.code, run.stderr).to.equal(0);
      const whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
      let failure: unknown;
      try {
        await whop.users.retrieve('user_admin');
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(Whop.RateLimitError);
      expect((await whop.users.retrieve('user_admin')).id).to.equal('user_admin');

      const form = await openForm(sandbox, '/sandbox');
      const posted = await request(sandbox.url)
        .post('/sandbox/rate_limit')
        .set('Cookie', form.cookie)
        .type('form')
        .send({ _csrf: form.token, calls: '3', retry_in_seconds: '12' });
      expect(posted.status).to.equal(303);
      expect(await limited(4)).to.deep.equal([429, 429, 429, 200]);
    });

    it('refuses a bad count with a clear 400 and changes nothing', async () => {
      const bad = await control<{ error: { message: string } }>(sandbox, 'POST', '/rate_limit', { calls: -1 });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.match(/calls/);
      expect(await limited(1)).to.deep.equal([200]);
    });
  });
});
