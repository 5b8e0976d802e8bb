import { expect } from 'chai';
import request from 'supertest';
import type { Response } from 'supertest';
import { authorizeQuery, createPkcePair, exchangeCode, redirectParams } from './oidc-test-flow.ts';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

function handleFrom(page: Response): string {
  const match = /name="handle" value="([^"]+)"/.exec(page.text);
  expect(match, 'consent form carries a handle').to.not.equal(null);
  return match?.[1] ?? '';
}

function expectOnlySandboxCookies(response: Response): void {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  for (const cookie of cookies) expect(cookie).to.match(/^whop_sandbox_/);
}

describe('sandbox OIDC authorization endpoint', () => {
  let server: OidcTestServer;

  beforeEach(async () => {
    server = await startOidcTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function openConsentPage(overrides: Record<string, string | undefined> = {}, pkce = createPkcePair()) {
    return request(server.origin)
      .get('/oauth/authorize')
      .query(authorizeQuery(server, pkce, overrides));
  }

  function decide(form: Record<string, string>) {
    return request(server.origin).post('/oauth/authorize/decision').type('form').send(form);
  }

  describe('consent page', () => {
    it('lists the users, escapes their data and needs no script or inline style', async () => {
      const page = await openConsentPage();
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.match(/text\/html/);
      expect(page.headers['cache-control']).to.equal('no-store');
      expect(page.text).to.include('value="user_alice"');
      expect(page.text).to.include('value="user_bob"');
      expect(page.text).to.include('Alice &lt;b&gt;Admin&lt;/b&gt;');
      expect(page.text).to.not.include('<b>Admin</b>');
      expect(page.text).to.include('href="/sandbox/static/sandbox.css"');
      expect(page.text).to.match(/<form method="post" action="\/oauth\/authorize\/decision">/);
      expect(page.text).to.include('name="decision" value="approve"');
      expect(page.text).to.include('name="decision" value="deny"');
      expect(page.text).to.not.match(/<script|<style|\sstyle=|\son[a-z]+=/i);
      expect(page.text, 'state is not re-posted').to.not.include('state-123');
      expectOnlySandboxCookies(page);
    });

    it('sends a strict CSP whose form-action lets the decision redirect to the client', async () => {
      const page = await openConsentPage();
      const csp = String(page.headers['content-security-policy']);
      expect(csp).to.include("default-src 'none'");
      expect(csp).to.include("style-src 'self'");
      expect(csp).to.include(`form-action 'self' ${new URL(server.app.redirectUri).origin}`);
      expect(csp).to.include("frame-ancestors 'none'");
      expect(csp).to.not.include('unsafe-inline');
    });

    it('approve issues a code for the chosen user that can be exchanged', async () => {
      const pkce = createPkcePair();
      const page = await openConsentPage({}, pkce);
      const answer = await decide({ handle: handleFrom(page), decision: 'approve', user_id: 'user_bob' });

      const params = redirectParams(server, answer);
      expect(params.get('state')).to.equal('state-123');
      expect(params.get('iss')).to.equal(server.origin);
      const tokens = await exchangeCode(server, params.get('code') ?? '', pkce.verifier);
      expect(tokens.status).to.equal(200);
      expect(server.provider.resolveAccessToken(tokens.body.access_token)?.userId).to.equal('user_bob');
      expectOnlySandboxCookies(answer);
    });

    it('deny redirects with access_denied, the state and the issuer', async () => {
      const page = await openConsentPage();
      const answer = await decide({ handle: handleFrom(page), decision: 'deny' });
      const params = redirectParams(server, answer);
      expect(params.get('error')).to.equal('access_denied');
      expect(params.get('error_description')).to.be.a('string');
      expect(params.get('state')).to.equal('state-123');
      expect(params.get('iss')).to.equal(server.origin);
      expect(params.has('code')).to.equal(false);
    });

    it('uses a handle once only', async () => {
      const handle = handleFrom(await openConsentPage());
      const first = await decide({ handle, decision: 'approve', user_id: 'user_alice' });
      expect(first.status).to.equal(302);
      const second = await decide({ handle, decision: 'approve', user_id: 'user_alice' });
      expect(second.status).to.equal(400);
      expect(second.headers.location).to.equal(undefined);
      expect(second.text).to.include('expired or was already answered');
    });

    it('forgets a pending request after 10 minutes', async () => {
      const handle = handleFrom(await openConsentPage());
      server.clock.advance(10 * 60 * 1000 + 1);
      const answer = await decide({ handle, decision: 'approve', user_id: 'user_alice' });
      expect(answer.status).to.equal(400);
      expect(answer.headers.location).to.equal(undefined);
    });

    it('rejects a made-up handle without redirecting', async () => {
      const answer = await decide({ handle: 'not-a-real-handle', decision: 'approve', user_id: 'user_alice' });
      expect(answer.status).to.equal(400);
      expect(answer.headers.location).to.equal(undefined);
    });

    it('shows the page again when an approval names no known user', async () => {
      const handle = handleFrom(await openConsentPage());
      const answer = await decide({ handle, decision: 'approve', user_id: 'user_nobody' });
      expect(answer.status).to.equal(400);
      expect(answer.text).to.include('Pick one of the users');
      expect(handleFrom(answer)).to.equal(handle);
      const retry = await decide({ handle, decision: 'approve', user_id: 'user_alice' });
      expect(retry.status).to.equal(302);
    });
  });

  describe('login_hint', () => {
    it('approves a known user at once with code, state and iss', async () => {
      const response = await openConsentPage({ login_hint: 'user_alice' });
      const params = redirectParams(server, response);
      expect(params.get('code')).to.have.length.greaterThan(40);
      expect(params.get('state')).to.equal('state-123');
      expect(params.get('iss')).to.equal(server.origin);
    });

    it('shows the consent page for an unknown user', async () => {
      const response = await openConsentPage({ login_hint: 'user_nobody' });
      expect(response.status).to.equal(200);
      expect(response.text).to.include('name="handle"');
    });
  });

  describe('requests that cannot be trusted are never redirected', () => {
    it('rejects a redirect URI that is not an exact match with a 400 page', async () => {
      for (const redirectUri of [
        `${server.app.redirectUri}/`,
        `${server.app.redirectUri}?next=1`,
        'https://evil.example/callback',
        undefined,
      ]) {
        const response = await openConsentPage({ redirect_uri: redirectUri, login_hint: 'user_alice' });
        expect(response.status, String(redirectUri)).to.equal(400);
        expect(response.headers.location).to.equal(undefined);
        expect(response.text).to.include('Redirect URI not allowed');
      }
    });

    it('rejects an unknown or missing client_id with a 400 page', async () => {
      for (const clientId of ['app_other', undefined]) {
        const response = await openConsentPage({ client_id: clientId, login_hint: 'user_alice' });
        expect(response.status).to.equal(400);
        expect(response.headers.location).to.equal(undefined);
        expect(response.text).to.include('Unknown application');
      }
    });
  });

  describe('errors returned to the client (RFC 6749 §4.1.2.1)', () => {
    const cases: Array<[string, Record<string, string | undefined>, string]> = [
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['missing code_challenge', { code_challenge: undefined }, 'invalid_request'],
      ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['missing code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
      ['scope without openid', { scope: 'profile email' }, 'invalid_scope'],
      ['unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
      ['prompt=none without a known user', { prompt: 'none' }, 'login_required'],
    ];
    for (const [label, overrides, error] of cases) {
      it(`${label} → ${error}`, async () => {
        const response = await openConsentPage({ login_hint: undefined, ...overrides });
        const params = redirectParams(server, response);
        expect(params.get('error')).to.equal(error);
        expect(params.get('error_description')).to.be.a('string');
        expect(params.get('state')).to.equal('state-123');
        expect(params.get('iss')).to.equal(server.origin);
        expect(params.has('code')).to.equal(false);
      });
    }

    it('rejects a repeated parameter', async () => {
      const pkce = createPkcePair();
      const query = new URLSearchParams(authorizeQuery(server, pkce, { login_hint: 'user_alice' }));
      query.append('scope', 'openid');
      const response = await request(server.origin).get(`/oauth/authorize?${query.toString()}`);
      expect(redirectParams(server, response).get('error')).to.equal('invalid_request');
    });
  });
});
