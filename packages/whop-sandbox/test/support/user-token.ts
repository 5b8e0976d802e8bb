/**
 * Obtains a real user access token from the sandbox's OIDC provider: authorization code
 * flow with `login_hint` (approves at once) and PKCE S256, then the token endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TestSandbox } from '../support/sandbox-fixture.ts';

export async function obtainUserAccessToken(sandbox: TestSandbox, userId: string): Promise<string> {
  const { app } = sandbox.options;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL('/oauth/authorize', sandbox.url);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    login_hint: userId,
  }).toString();
  const approved = await fetch(authorize, { redirect: 'manual' });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || !location) throw new Error(`authorize answered ${approved.status}`);
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${location}`);

  const tokenResponse = await fetch(new URL('/oauth/token', sandbox.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: verifier,
    }),
  });
  const body = (await tokenResponse.json()) as { access_token?: string };
  if (!tokenResponse.ok || !body.access_token) throw new Error(`token endpoint answered ${tokenResponse.status}`);
  return body.access_token;
}
