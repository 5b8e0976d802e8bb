import { expect } from 'chai';
import request from 'supertest';
import {
  createPkcePair,
  exchangeCode,
  expectOAuthError,
  getUserinfo,
  obtainCode,
  postToken,
} from './oidc-test-flow.ts';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

describe('sandbox OIDC token endpoint', () => {
  let server: OidcTestServer;

  beforeEach(async () => {
    server = await startOidcTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  describe('authorization_code grant', () => {
    it('answers a form request with tokens, no-store and the RFC 6749 shape', async () => {
      const { code, pkce } = await obtainCode(server);
      const response = await exchangeCode(server, code, pkce.verifier);
      expect(response.status).to.equal(200);
      expect(response.headers['cache-control']).to.equal('no-store');
      expect(response.body).to.include({ token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email' });
      for (const name of ['access_token', 'refresh_token', 'id_token']) {
        expect(response.body[name], name).to.be.a('string');
      }
      expect(Buffer.from(response.body.access_token, 'base64url').length).to.be.at.least(32);
      expect(Buffer.from(response.body.refresh_token, 'base64url').length).to.be.at.least(32);
    });

    it('accepts a JSON body', async () => {
      const { code, pkce } = await obtainCode(server);
      const response = await request(server.origin).post('/oauth/token').send({
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.verifier,
        redirect_uri: server.app.redirectUri,
        client_id: server.app.clientId,
        client_secret: server.app.clientSecret,
      });
      expect(response.status).to.equal(200);
      expect(response.body.access_token).to.be.a('string');
    });

    it('rejects a wrong code verifier', async () => {
      const { code } = await obtainCode(server);
      expectOAuthError(await exchangeCode(server, code, createPkcePair().verifier), 400, 'invalid_grant');
    });

    it('rejects a missing or malformed code verifier as invalid_request', async () => {
      const { code } = await obtainCode(server);
      const response = await postToken(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: 'short',
        redirect_uri: server.app.redirectUri,
      });
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('rejects a reused code and revokes the tokens of the first exchange', async () => {
      const { code, pkce } = await obtainCode(server);
      const first = await exchangeCode(server, code, pkce.verifier);
      expect(first.status).to.equal(200);
      expect((await getUserinfo(server, first.body.access_token)).status).to.equal(200);

      expectOAuthError(await exchangeCode(server, code, pkce.verifier), 400, 'invalid_grant');

      expect((await getUserinfo(server, first.body.access_token)).status).to.equal(401);
      expect(server.provider.resolveAccessToken(first.body.access_token)).to.equal(undefined);
      const refresh = await postToken(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expectOAuthError(refresh, 400, 'invalid_grant');
    });

    it('rejects a code older than 60 seconds', async () => {
      const { code, pkce } = await obtainCode(server);
      server.clock.advance(60_001);
      expectOAuthError(await exchangeCode(server, code, pkce.verifier), 400, 'invalid_grant');
    });

    it('still accepts a code just before it expires', async () => {
      const { code, pkce } = await obtainCode(server);
      server.clock.advance(59_000);
      expect((await exchangeCode(server, code, pkce.verifier)).status).to.equal(200);
    });

    it('rejects a redirect_uri that differs from the authorization request', async () => {
      const { code, pkce } = await obtainCode(server);
      const response = await postToken(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.verifier,
        redirect_uri: `${server.app.redirectUri}/other`,
      });
      expectOAuthError(response, 400, 'invalid_grant');
    });

    it('rejects an unknown code', async () => {
      const response = await exchangeCode(server, 'made-up-code', createPkcePair().verifier);
      expectOAuthError(response, 400, 'invalid_grant');
    });
  });

  describe('client authentication', () => {
    it('rejects a wrong secret sent with client_secret_post', async () => {
      const { code, pkce } = await obtainCode(server);
      const response = await postToken(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.verifier,
        redirect_uri: server.app.redirectUri,
        client_secret: 'wrong',
      });
      expectOAuthError(response, 401, 'invalid_client');
    });

    it('refuses client_secret_basic when the app is set to client_secret_post (the default)', async () => {
      const { code, pkce } = await obtainCode(server);
      const response = await request(server.origin)
        .post('/oauth/token')
        .set('Authorization', basicCredentials(server.app.clientId, server.app.clientSecret))
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.verifier,
          redirect_uri: server.app.redirectUri,
        });
      expectOAuthError(response, 401, 'invalid_client');
    });

    describe('with the app set to client_secret_basic', () => {
      let basic: OidcTestServer;
      beforeEach(async () => {
        basic = await startOidcTestServer({ tokenEndpointAuthMethod: 'client_secret_basic' });
      });
      afterEach(() => basic.close());

      it('rejects a wrong secret sent with client_secret_basic, with a Basic challenge', async () => {
        const { code, pkce } = await obtainCode(basic);
        const response = await request(basic.origin)
          .post('/oauth/token')
          .set('Authorization', basicCredentials(basic.app.clientId, 'wrong'))
          .type('form')
          .send({
            grant_type: 'authorization_code',
            code,
            code_verifier: pkce.verifier,
            redirect_uri: basic.app.redirectUri,
          });
        expectOAuthError(response, 401, 'invalid_client');
        expect(response.headers['www-authenticate']).to.match(/^Basic realm=/);
      });

      it('accepts client_secret_basic with form-urlencoded components', async () => {
        const { code, pkce } = await obtainCode(basic);
        const response = await request(basic.origin)
          .post('/oauth/token')
          .set('Authorization', basicCredentials(basic.app.clientId, basic.app.clientSecret))
          .type('form')
          .send({
            grant_type: 'authorization_code',
            code,
            code_verifier: pkce.verifier,
            redirect_uri: basic.app.redirectUri,
          });
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
      });

      it('refuses the secret in the body (client_secret_post)', async () => {
        const { code, pkce } = await obtainCode(basic);
        const response = await postToken(basic, {
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.verifier,
          redirect_uri: basic.app.redirectUri,
        });
        expectOAuthError(response, 401, 'invalid_client');
      });
    });

    describe('with the app set to none (a public client: PKCE only)', () => {
      let pub: OidcTestServer;
      beforeEach(async () => {
        pub = await startOidcTestServer({ tokenEndpointAuthMethod: 'none' });
      });
      afterEach(() => pub.close());

      it('exchanges a code with client_id and the PKCE verifier alone', async () => {
        const { code, pkce } = await obtainCode(pub);
        const response = await request(pub.origin).post('/oauth/token').type('form').send({
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.verifier,
          redirect_uri: pub.app.redirectUri,
          client_id: pub.app.clientId,
        });
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        expect(response.body.access_token).to.be.a('string');
      });

      it('still checks the PKCE verifier', async () => {
        const { code } = await obtainCode(pub);
        const response = await request(pub.origin).post('/oauth/token').type('form').send({
          grant_type: 'authorization_code',
          code,
          code_verifier: createPkcePair().verifier,
          redirect_uri: pub.app.redirectUri,
          client_id: pub.app.clientId,
        });
        expectOAuthError(response, 400, 'invalid_grant');
      });

      it('refuses a client secret, in the body or a Basic header, and an unknown client_id', async () => {
        const { code, pkce } = await obtainCode(pub);
        const base = {
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.verifier,
          redirect_uri: pub.app.redirectUri,
        };
        expectOAuthError(await postToken(pub, base), 401, 'invalid_client');
        const basicHeader = await request(pub.origin)
          .post('/oauth/token')
          .set('Authorization', basicCredentials(pub.app.clientId, pub.app.clientSecret))
          .type('form')
          .send(base);
        expectOAuthError(basicHeader, 401, 'invalid_client');
        const stranger = await request(pub.origin)
          .post('/oauth/token')
          .type('form')
          .send({ ...base, client_id: 'app_someone_else' });
        expectOAuthError(stranger, 401, 'invalid_client');
      });
    });

    it('rejects a request without client credentials', async () => {
      const response = await request(server.origin)
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'refresh_token' });
      expectOAuthError(response, 401, 'invalid_client');
    });

    it('rejects two authentication methods at once', async () => {
      const response = await request(server.origin)
        .post('/oauth/token')
        .set('Authorization', basicCredentials(server.app.clientId, server.app.clientSecret))
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: server.app.clientSecret });
      expectOAuthError(response, 400, 'invalid_request');
    });
  });

  describe('request errors', () => {
    it('rejects an unsupported grant type', async () => {
      expectOAuthError(await postToken(server, { grant_type: 'password' }), 400, 'unsupported_grant_type');
    });

    it('rejects a missing grant type', async () => {
      expectOAuthError(await postToken(server, {}), 400, 'invalid_request');
    });

    it('answers malformed JSON with invalid_request', async () => {
      const response = await request(server.origin)
        .post('/oauth/token')
        .set('Content-Type', 'application/json')
        .send('{"grant_type":');
      expectOAuthError(response, 400, 'invalid_request');
    });
  });
});
