import { expect } from 'chai';
import request from 'supertest';
import { exchangeCode, expectOAuthError, getUserinfo, obtainCode, postToken } from './oidc-test-flow.ts';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

describe('sandbox OIDC userinfo, revocation and token resolution', () => {
  let server: OidcTestServer;

  afterEach(async () => {
    await server.close();
  });

  async function signIn(scope = 'openid profile email', user = 'user_alice'): Promise<Record<string, string>> {
    const { code, pkce } = await obtainCode(server, undefined, { scope, login_hint: user });
    const response = await exchangeCode(server, code, pkce.verifier);
    expect(response.status).to.equal(200);
    return response.body;
  }

  function revoke(token: string, extra: Record<string, string> = {}) {
    return request(server.origin)
      .post('/oauth/revoke')
      .type('form')
      .send({
        token,
        client_id: server.app.clientId,
        client_secret: server.app.clientSecret,
        ...extra,
      });
  }

  describe('with the default token lifetime', () => {
    beforeEach(async () => {
      server = await startOidcTestServer();
    });

    it('returns the claims allowed by the scope, by GET and POST', async () => {
      const tokens = await signIn('openid profile', 'user_bob');
      const get = await getUserinfo(server, tokens.access_token ?? '');
      expect(get.status).to.equal(200);
      expect(get.body).to.deep.equal({ sub: 'user_bob', preferred_username: 'bob' });
      const post = await request(server.origin)
        .post('/oauth/userinfo')
        .set('Authorization', `Bearer ${tokens.access_token}`);
      expect(post.body).to.deep.equal(get.body);
    });

    it('answers a missing or unknown token with a Bearer challenge', async () => {
      const missing = await request(server.origin).get('/oauth/userinfo');
      expect(missing.status).to.equal(401);
      expect(missing.headers['www-authenticate']).to.match(/^Bearer realm=/);

      const unknown = await getUserinfo(server, 'made-up-token');
      expect(unknown.status).to.equal(401);
      expect(unknown.headers['www-authenticate']).to.match(/^Bearer .*error="invalid_token"/);
    });

    it('resolves a live access token for the REST API', async () => {
      const tokens = await signIn();
      const info = server.provider.resolveAccessToken(tokens.access_token ?? '');
      expect(info).to.include({ userId: 'user_alice', clientId: server.app.clientId, scope: 'openid profile email' });
      expect(info?.expiresAt).to.be.closeTo(server.clock.now() + 3600_000, 1000);
      expect(server.provider.resolveAccessToken('made-up')).to.equal(undefined);
      expect(server.provider.resolveAccessToken(tokens.refresh_token ?? ''), 'refresh is not access').to.equal(
        undefined,
      );
    });

    it('revokes an access token alone', async () => {
      const tokens = await signIn();
      const response = await revoke(tokens.access_token ?? '', { token_type_hint: 'access_token' });
      expect(response.status).to.equal(200);
      expect((await getUserinfo(server, tokens.access_token ?? '')).status).to.equal(401);
      expect(server.provider.resolveAccessToken(tokens.access_token ?? '')).to.equal(undefined);
      const refreshed = await postToken(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      });
      expect(refreshed.status).to.equal(200);
    });

    it('revokes a refresh token with its family of access tokens', async () => {
      const tokens = await signIn();
      const refreshed = await postToken(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      });
      expect((await revoke(refreshed.body.refresh_token)).status).to.equal(200);

      for (const accessToken of [tokens.access_token ?? '', refreshed.body.access_token]) {
        expect((await getUserinfo(server, accessToken)).status).to.equal(401);
      }
      const again = await postToken(server, {
        grant_type: 'refresh_token',
        refresh_token: refreshed.body.refresh_token,
      });
      expectOAuthError(again, 400, 'invalid_grant');
    });

    it('answers 200 for an unknown token', async () => {
      expect((await revoke('never-issued')).status).to.equal(200);
    });

    it('requires client authentication and a token', async () => {
      const tokens = await signIn();
      const unauthenticated = await request(server.origin)
        .post('/oauth/revoke')
        .type('form')
        .send({ token: tokens.refresh_token, client_id: server.app.clientId, client_secret: 'wrong' });
      expectOAuthError(unauthenticated, 401, 'invalid_client');
      expect((await getUserinfo(server, tokens.access_token ?? '')).status).to.equal(200);

      expectOAuthError(await revoke(''), 400, 'invalid_request');
    });

    it('revokes everything of a removed user', async () => {
      const alice = await signIn('openid', 'user_alice');
      const bob = await signIn('openid', 'user_bob');
      server.provider.revokeAllForUser('user_alice');
      expect(server.provider.resolveAccessToken(alice.access_token ?? '')).to.equal(undefined);
      const refreshed = await postToken(server, {
        grant_type: 'refresh_token',
        refresh_token: alice.refresh_token ?? '',
      });
      expectOAuthError(refreshed, 400, 'invalid_grant');
      expect(server.provider.resolveAccessToken(bob.access_token ?? '')?.userId).to.equal('user_bob');
    });

    it('stops accepting tokens of a user who left the directory', async () => {
      const tokens = await signIn();
      server.users.remove('user_alice');
      expect((await getUserinfo(server, tokens.access_token ?? '')).status).to.equal(401);
    });
  });

  describe('with a short token lifetime', () => {
    beforeEach(async () => {
      server = await startOidcTestServer({ accessTokenTtlSeconds: 5 });
    });

    it('rejects an expired access token at userinfo and in resolveAccessToken', async () => {
      const tokens = await signIn();
      expect(tokens).to.include({ expires_in: 5 });
      expect((await getUserinfo(server, tokens.access_token ?? '')).status).to.equal(200);

      server.clock.advance(5_001);

      const response = await getUserinfo(server, tokens.access_token ?? '');
      expect(response.status).to.equal(401);
      expect(response.headers['www-authenticate']).to.match(/error="invalid_token"/);
      expect(server.provider.resolveAccessToken(tokens.access_token ?? '')).to.equal(undefined);

      const refreshed = await postToken(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      });
      expect(refreshed.status, 'the refresh token outlives the access token').to.equal(200);
    });
  });
});
