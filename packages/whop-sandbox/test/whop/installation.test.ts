import { expect } from 'chai';
import request from 'supertest';
import Whop from '@whop/sdk';
import { APP_INSTALLED_COMPANY_IDS } from '../../src/state/seed.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';
import { obtainUserAccessToken } from '../support/user-token.ts';
import { eventually, verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';
import { api, cli, control, cookiesOf, openForm } from './helpers.ts';

describe('sandbox: the app is installed per company', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;
  let running: SandboxWithListener;

  beforeEach(async () => {
    running = await startSandboxWithListener();
    ({ sandbox, listener } = running);
  });
  afterEach(() => running.close());

  function expectNotInstalled(res: { status: number; body: Record<string, unknown> }) {
    expect(res.status).to.equal(403);
    const error = res.body.error as Record<string, unknown>;
    expect(Object.keys(error)).to.have.members(['type', 'code', 'message']);
    expect(error.message).to.match(/not installed on company biz_creator1/);
  }

  it('seeds the installations in one constant and shows the app id and install link', async () => {
    expect(APP_INSTALLED_COMPANY_IDS).to.have.members(['biz_creator2']);
    const app = await control(sandbox, 'GET', '/app');
    expect(app.body.app_id).to.equal(sandbox.options.app.clientId);
    expect(app.body.install_url).to.equal(`${sandbox.url}/sandbox/apps/${sandbox.options.app.clientId}/install`);
    expect(app.body.installed_company_ids).to.have.members(['biz_creator2']);
  });

  it("answers API-key calls about an uninstalled company with 403 in Whop's error shape; user tokens and the own company are unaffected", async () => {
    await installOnCreatorOne(sandbox);
    expect((await api(sandbox, '/memberships?company_id=biz_creator1')).status).to.equal(200);
    const uninstalled = await control(sandbox, 'POST', '/installations/biz_creator1/uninstall', {});
    expect(uninstalled.status).to.equal(200);

    expectNotInstalled(await api(sandbox, '/memberships?company_id=biz_creator1'));
    expectNotInstalled(await api(sandbox, '/memberships/mem_seedstudent1'));
    expectNotInstalled(await api(sandbox, '/companies/biz_creator1'));
    expectNotInstalled(await api(sandbox, '/products?account_id=biz_creator1'));
    expectNotInstalled(await api(sandbox, '/plans?company_id=biz_creator1'));
    expectNotInstalled(await api(sandbox, '/payments?company_id=biz_creator1'));
    expectNotInstalled(await api(sandbox, '/users/user_creator_free/access/biz_creator1'));
    expectNotInstalled(await api(sandbox, '/users/user_student1/access/prod_course1'));
    // Other companies answer as before.
    expect((await api(sandbox, '/memberships?company_id=biz_creator2')).status).to.equal(200);
    expect((await api(sandbox, '/memberships?company_id=biz_chronos')).status).to.equal(200);
    // The member's own token still reads their membership.
    const token = await obtainUserAccessToken(sandbox, 'user_student1');
    expect((await api(sandbox, '/memberships/mem_seedstudent1', token)).status).to.equal(200);

    // The official SDK sees a PermissionDeniedError.
    const whop = new Whop({ apiKey: sandbox.options.app.apiKey, baseURL: `${sandbox.url}/api/v1`, maxRetries: 0 });
    let failure: unknown;
    try {
      await whop.companies.retrieve('biz_creator1');
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Whop.PermissionDeniedError);

    // Installed again (as its admin): readable again.
    expect(
      (await control(sandbox, 'POST', '/installations', { company_id: 'biz_creator1', user_id: 'user_creator_free' }))
        .status,
    ).to.equal(201);
    expect((await api(sandbox, '/memberships?company_id=biz_creator1')).status).to.equal(200);
  });

  it("delivers app webhooks only for installed companies; the own company's webhook keeps delivering", async () => {
    await control(sandbox, 'POST', '/installations/biz_creator1/uninstall', {});
    const skipped = await control<{ events: Array<{ delivery_status: string; type: string }> }>(
      sandbox,
      'POST',
      '/memberships/mem_seedstudent1/status',
      { status: 'expired' },
    );
    expect(skipped.body.events.map((e) => e.delivery_status)).to.deep.equal(['skipped', 'skipped']);
    const own = await control<{ events: Array<{ delivery_status: string; webhook: string }> }>(
      sandbox,
      'POST',
      '/memberships/mem_seedcreatorpro/status',
      { status: 'expired' },
    );
    expect(own.body.events.map((e) => e.webhook)).to.deep.equal(['hook_company', 'hook_company']);
    const other = await control<{ events: Array<{ webhook: string }> }>(sandbox, 'POST', '/memberships', {
      user: 'user_student2',
      product: 'prod_course2',
    });
    expect(other.body.events.map((e) => e.webhook)).to.deep.equal(['hook_app', 'hook_app']);

    await listener.waitFor(4);
    // Every delivery has settled (delivered or skipped), so no fifth request is on its way.
    await eventually(() =>
      sandbox.sandbox.core.deliveries.log.list().every((d) => d.status === 'delivered' || d.status === 'skipped'),
    );
    const { received } = listener;
    const companies = listener.received.map(
      (w) => (verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as { company_id: string }).company_id,
    );
    expect(received.length).to.equal(4);
    expect(companies.filter((c) => c === 'biz_creator1')).to.deep.equal([]);
    const deliveries = await control<{ data: Array<{ status: string; skip_reason: string | null }> }>(
      sandbox,
      'GET',
      '/deliveries',
    );
    expect(deliveries.body.data.filter((d) => d.status === 'skipped').map((d) => d.skip_reason)).to.deep.equal([
      'no webhook takes events of biz_creator1: the app is not installed on it',
      'no webhook takes events of biz_creator1: the app is not installed on it',
    ]);
  });

  describe('the install page /sandbox/apps/<app id>/install', () => {
    const path = () => `/sandbox/apps/${sandbox.options.app.clientId}/install`;

    it('asks who you are, then installs on a company you administer; the API key can then read it', async () => {
      await control(sandbox, 'POST', '/installations/biz_creator1/uninstall', {});
      const first = await openForm(sandbox, path());
      expect(first.text).to.include('Sign in as');
      const signIn = await request(sandbox.url)
        .post(`${path()}/sign-in`)
        .set('Cookie', first.cookie)
        .type('form')
        .send({ _csrf: first.token, user_id: 'user_creator_free' });
      expect(signIn.status).to.equal(303);
      const signedIn = await openForm(sandbox, path(), [first.cookie, ...cookiesOf(signIn.headers)].join('; '));
      expect(signedIn.text).to.include('Signed in as');
      expect(signedIn.text).to.include('biz_creator1');
      expect(signedIn.text, 'only companies the user administers').to.not.include('biz_creator2');

      const installed = await request(sandbox.url)
        .post(path())
        .set('Cookie', signedIn.cookie)
        .type('form')
        .send({ _csrf: signedIn.token, company_id: 'biz_creator1' });
      expect(installed.status).to.equal(200);
      expect(installed.text).to.include('Installed on <strong>Creator One Academy</strong>');
      expect(installed.text, 'a link back, no redirect').to.include('Back to the app');
      expect((await api(sandbox, '/memberships?company_id=biz_creator1')).status).to.equal(200);
      const listed = await control<{
        data: Array<{ company_id: string; installed: boolean; installed_by: string | null }>;
      }>(sandbox, 'GET', '/installations');
      expect(listed.body.data.find((i) => i.company_id === 'biz_creator1')).to.include({
        installed: true,
        installed_by: 'user_creator_free',
      });
    });

    it('refuses a company the signed-in user does not administer, and a post without its form token', async () => {
      await control(sandbox, 'POST', '/installations/biz_creator1/uninstall', {});
      const first = await openForm(sandbox, path());
      const signIn = await request(sandbox.url)
        .post(`${path()}/sign-in`)
        .set('Cookie', first.cookie)
        .type('form')
        .send({ _csrf: first.token, user_id: 'user_creator_pro' });
      const form = await openForm(sandbox, path(), [first.cookie, ...cookiesOf(signIn.headers)].join('; '));
      const refused = await request(sandbox.url)
        .post(path())
        .set('Cookie', form.cookie)
        .type('form')
        .send({ _csrf: form.token, company_id: 'biz_creator1' });
      expect(refused.status).to.equal(403);
      expect(refused.text).to.include('is not an admin of biz_creator1');
      const forged = await request(sandbox.url)
        .post(path())
        .set('Cookie', form.cookie)
        .type('form')
        .send({ company_id: 'biz_creator2' });
      expect(forged.status).to.equal(403);
      expect(sandbox.sandbox.state.isInstalled('biz_creator1')).to.equal(false);
    });

    it('knows the user who approved a sign-in on the consent page', async () => {
      const app = sandbox.options.app;
      const authorize = new URL('/oauth/authorize', sandbox.url);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: app.redirectUri,
        scope: 'openid',
        state: 's',
        nonce: 'n',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      const page = await request(sandbox.url).get(`${authorize.pathname}${authorize.search}`);
      const handle = /name="handle" value="([^"]+)"/.exec(page.text)?.[1];
      const approved = await request(sandbox.url)
        .post('/oauth/authorize/decision')
        .type('form')
        .send({ handle, decision: 'approve', user_id: 'user_creator_pro' });
      expect(approved.status).to.equal(302);
      const install = await request(sandbox.url).get(path()).set('Cookie', cookiesOf(approved.headers).join('; '));
      expect(install.text).to.include('Signed in as <strong>Priya Pro</strong>');
    });

    it('is a 404 for another app id', async () => {
      const res = await request(sandbox.url).get('/sandbox/apps/app_someone_else/install');
      expect(res.status).to.equal(404);
    });
  });

  it('uninstalls from the control UI button and the CLI, and installs from the CLI', async () => {
    await installOnCreatorOne(sandbox);
    const form = await openForm(sandbox, '/sandbox/companies');
    expect(form.text).to.include('Uninstall app from Creator One Academy');
    const res = await request(sandbox.url)
      .post('/sandbox/companies/biz_creator1/uninstall')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ _csrf: form.token });
    expect(res.status).to.equal(303);
    expect(sandbox.sandbox.state.isInstalled('biz_creator1')).to.equal(false);
    expect((await openForm(sandbox, '/sandbox/companies')).text).to.include(
      'The app is <strong>not installed</strong>',
    );

    const installed = await cli(sandbox, ['install', '--company', 'biz_creator1', '--user', 'user_creator_free']);
    expect(installed.code, installed.stderr).to.equal(0);
    expect(sandbox.sandbox.state.isInstalled('biz_creator1')).to.equal(true);
    const notAdmin = await cli(sandbox, ['install', '--company', 'biz_creator2', '--user', 'user_student1']);
    expect(notAdmin.code).to.equal(1);
    const removed = await cli(sandbox, ['uninstall', '--company', 'biz_creator2']);
    expect(removed.code, removed.stderr).to.equal(0);
    expect(removed.stdout).to.match(/biz_creator2\s+Creator Two Studio\s+no/);
    expectNotInstalledLike((await api(sandbox, '/companies/biz_creator2')).status);
  });

  function expectNotInstalledLike(status: number) {
    expect(status).to.equal(403);
  }
});
