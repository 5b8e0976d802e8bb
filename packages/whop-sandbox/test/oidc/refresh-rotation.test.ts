import { expect } from 'chai';
import { exchangeCode, expectOAuthError, getUserinfo, obtainCode, postToken } from './oidc-test-flow.ts';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

describe('sandbox OIDC refresh token rotation', () => {
  let server: OidcTestServer;

  beforeEach(async () => {
    server = await startOidcTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function signIn(): Promise<Record<string, string>> {
    const { code, pkce } = await obtainCode(server);
    const response = await exchangeCode(server, code, pkce.verifier);
    expect(response.status).to.equal(200);
    return response.body;
  }

  function refresh(refreshToken: string, extra: Record<string, string> = {}) {
    return postToken(server, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
  }

  it('returns a new refresh token each time and kills the old one', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token ?? '');
    expect(second.status).to.equal(200);
    expect(second.headers['cache-control']).to.equal('no-store');
    expect(second.body.refresh_token).to.be.a('string').and.not.equal(first.refresh_token);
    expect(second.body.access_token).to.be.a('string').and.not.equal(first.access_token);
    expect(second.body.id_token).to.be.a('string');

    const third = await refresh(second.body.refresh_token);
    expect(third.status).to.equal(200);
    expect((await getUserinfo(server, third.body.access_token)).status).to.equal(200);
  });

  it('revokes the whole family when a rotated refresh token is reused', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token ?? '');
    const third = await refresh(second.body.refresh_token);
    expect(third.status).to.equal(200);

    expectOAuthError(await refresh(first.refresh_token ?? ''), 400, 'invalid_grant');

    for (const accessToken of [first.access_token, second.body.access_token, third.body.access_token]) {
      expect((await getUserinfo(server, accessToken ?? '')).status).to.equal(401);
    }
    expectOAuthError(await refresh(third.body.refresh_token), 400, 'invalid_grant');
  });

  it('leaves other sign-ins of the same user alone when a family is revoked', async () => {
    const victim = await signIn();
    const other = await signIn();
    await refresh(victim.refresh_token ?? '');
    await refresh(victim.refresh_token ?? '');

    expect((await getUserinfo(server, other.access_token ?? '')).status).to.equal(200);
    expect((await refresh(other.refresh_token ?? '')).status).to.equal(200);
  });

  it('can narrow the scope but not widen it', async () => {
    const first = await signIn();
    const narrowed = await refresh(first.refresh_token ?? '', { scope: 'openid email' });
    expect(narrowed.status).to.equal(200);
    expect(narrowed.body.scope).to.equal('openid email');
    const info = await getUserinfo(server, narrowed.body.access_token);
    expect(info.body).to.have.property('email');
    expect(info.body).to.not.have.property('preferred_username');

    const widened = await refresh(narrowed.body.refresh_token, { scope: 'openid email profile' });
    expectOAuthError(widened, 400, 'invalid_scope');
  });

  it('rejects an unknown refresh token', async () => {
    expectOAuthError(await refresh('not-a-refresh-token'), 400, 'invalid_grant');
  });

  it('rejects an access token presented as a refresh token', async () => {
    const first = await signIn();
    expectOAuthError(await refresh(first.access_token ?? ''), 400, 'invalid_grant');
  });
});
