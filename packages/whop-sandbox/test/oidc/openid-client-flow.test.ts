import { expect } from 'chai';
import * as client from 'openid-client';
import request from 'supertest';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

describe('sandbox OIDC provider with openid-client', () => {
  let server: OidcTestServer;

  beforeEach(async () => {
    server = await startOidcTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function discover(auth: client.ClientAuth): Promise<client.Configuration> {
    return client.discovery(new URL(server.origin), server.app.clientId, undefined, auth, {
      execute: [client.allowInsecureRequests],
    });
  }

  /** Builds the authorization URL, follows the provider's 302 by hand and redeems the code. */
  async function signIn(config: client.Configuration) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: server.app.redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      login_hint: 'user_alice',
    });
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).to.equal(302);
    const callbackUrl = new URL(redirect.headers.get('location') ?? '');
    return client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
  }

  it('publishes a discovery document openid-client accepts', async () => {
    const config = await discover(client.ClientSecretPost(server.app.clientSecret));
    const metadata = config.serverMetadata();
    expect(metadata.issuer).to.equal(server.origin);
    expect(metadata.code_challenge_methods_supported).to.deep.equal(['S256']);
    expect(metadata.id_token_signing_alg_values_supported).to.deep.equal(['ES256']);
    expect(metadata.token_endpoint_auth_methods_supported).to.deep.equal([
      'client_secret_post',
      'client_secret_basic',
      'none',
    ]);
    expect(metadata.scopes_supported).to.deep.equal(['openid', 'profile', 'email']);
  });

  it('completes code + PKCE with client_secret_post: validated id token, userinfo, refresh', async () => {
    const config = await discover(client.ClientSecretPost(server.app.clientSecret));
    const tokens = await signIn(config);

    const claims = tokens.claims();
    expect(claims?.sub).to.equal('user_alice');
    expect(claims?.aud).to.equal(server.app.clientId);
    expect(claims?.iss).to.equal(server.origin);
    expect(claims?.email).to.equal('alice@example.test');
    expect(claims?.preferred_username).to.equal('alice');
    expect(claims?.auth_time).to.be.a('number');
    expect(tokens.token_type).to.equal('bearer');
    expect(tokens.expires_in).to.equal(3600);
    expect(tokens.scope).to.equal('openid profile email');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'user_alice');
    expect(userinfo).to.include({
      sub: 'user_alice',
      name: 'Alice <b>Admin</b>',
      preferred_username: 'alice',
      email: 'alice@example.test',
      email_verified: true,
      picture: 'https://img.example.test/alice.png',
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).to.not.equal(tokens.access_token);
    expect(refreshed.refresh_token).to.be.a('string').and.not.equal(tokens.refresh_token);
    expect(refreshed.claims()?.sub).to.equal('user_alice');
    const afterRefresh = await client.fetchUserInfo(config, refreshed.access_token, 'user_alice');
    expect(afterRefresh.sub).to.equal('user_alice');
  });

  it('rejects a different nonce in the id token', async () => {
    const config = await discover(client.ClientSecretPost(server.app.clientSecret));
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: server.app.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce: 'nonce-sent',
      login_hint: 'user_bob',
    });
    const redirect = await fetch(url, { redirect: 'manual' });
    const callbackUrl = new URL(redirect.headers.get('location') ?? '');
    let failure: unknown;
    try {
      await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedNonce: 'another-nonce',
        idTokenExpected: true,
      });
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error & { code?: string }).code).to.equal('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    expect(String((failure as Error).cause)).to.match(/"nonce" claim/);
  });

  it('authenticates with client_secret_basic (form-urlencoded credentials) and revokes, when the app is set to it', async () => {
    await server.close();
    server = await startOidcTestServer({ tokenEndpointAuthMethod: 'client_secret_basic' });
    const config = await discover(client.ClientSecretBasic(server.app.clientSecret));
    const tokens = await signIn(config);
    expect(server.provider.resolveAccessToken(tokens.access_token)?.userId).to.equal('user_alice');

    await client.tokenRevocation(config, tokens.refresh_token ?? '');

    expect(server.provider.resolveAccessToken(tokens.access_token)).to.equal(undefined);
    const userinfo = await request(server.origin)
      .get('/oauth/userinfo')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(userinfo.status).to.equal(401);
  });
});
