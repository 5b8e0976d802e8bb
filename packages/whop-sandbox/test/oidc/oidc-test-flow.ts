/** Raw-HTTP helpers for driving the provider without a client library. */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { Response } from 'supertest';
import type { OidcTestServer } from './oidc-test-server.ts';

export interface PkcePair {
  verifier: string;
  challenge: string;
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeQuery(
  server: OidcTestServer,
  pkce: PkcePair,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const query: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: server.app.clientId,
    redirect_uri: server.app.redirectUri,
    scope: 'openid profile email',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The parameters of a redirect back to the client, after checking it goes to the redirect URI. */
export function redirectParams(server: OidcTestServer, response: Response): URLSearchParams {
  expect(response.status).to.equal(302);
  const location = new URL(String(response.headers.location));
  expect(`${location.origin}${location.pathname}`).to.equal(server.app.redirectUri);
  return location.searchParams;
}

/** Approves at once through `login_hint` and returns the code. */
export async function obtainCode(
  server: OidcTestServer,
  pkce: PkcePair = createPkcePair(),
  overrides: Record<string, string | undefined> = {},
): Promise<{ code: string; pkce: PkcePair }> {
  const response = await request(server.origin)
    .get('/oauth/authorize')
    .query(authorizeQuery(server, pkce, { login_hint: 'user_alice', ...overrides }));
  const code = redirectParams(server, response).get('code');
  expect(code).to.be.a('string');
  return { code: code ?? '', pkce };
}

/** POSTs a form to the token endpoint with `client_secret_post` credentials. */
export function postToken(server: OidcTestServer, form: Record<string, string>) {
  return request(server.origin)
    .post('/oauth/token')
    .type('form')
    .send({ client_id: server.app.clientId, client_secret: server.app.clientSecret, ...form });
}

export async function exchangeCode(server: OidcTestServer, code: string, verifier: string): Promise<Response> {
  return postToken(server, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: server.app.redirectUri,
  });
}

export function getUserinfo(server: OidcTestServer, accessToken: string) {
  return request(server.origin).get('/oauth/userinfo').set('Authorization', `Bearer ${accessToken}`);
}

export function expectOAuthError(response: Response, status: number, error: string): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  expect(response.body.error).to.equal(error);
  expect(response.body.error_description).to.be.a('string');
}
