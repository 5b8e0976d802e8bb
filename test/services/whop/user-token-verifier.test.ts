/**
 * `x-whop-user-token` as Whop's app proxy sends it: the sandbox signs it with the key it
 * publishes in its JWKS (fetched over real HTTP), and the verifier accepts only an ES256
 * token of issuer `urn:whopcom:exp-proxy` for this app, unexpired, not issued in the future,
 * signed by a published key, with its payload untouched.
 */
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { startTestSandbox, type TestSandbox } from '@chronos/whop-sandbox/testing';
import {
  createUserTokenVerifier,
  ISSUED_AT_SKEW_SECONDS,
  UserTokenError,
  type UserTokenVerifier,
} from '../../../src/services/whop/user-token-verifier.ts';

describe('Whop user token verifier', function () {
  this.timeout(20_000);
  let sandbox: TestSandbox;
  let verifier: UserTokenVerifier;
  let nowMs = Date.now();
  const appId = 'app_sandbox_test';
  const nowSeconds = () => Math.floor(nowMs / 1000);

  let published: { privateKey: CryptoKey; kid: string };

  before(async () => {
    // The sandbox signs with the key in its data folder: one made here, so tests can sign any claims with it.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chronos-user-token-'));
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! });
    await writeFile(path.join(dataDir, 'sandbox-oidc-key.json'), JSON.stringify({ ...jwk, kid }), { mode: 0o600 });
    published = { privateKey, kid };
    sandbox = await startTestSandbox({ dataDir });
    verifier = createUserTokenVerifier({
      appId,
      apiKey: sandbox.options.app.apiKey,
      jwksUrl: `${sandbox.url}/.well-known/jwks.json`,
      now: () => nowMs,
    });
  });
  after(() => sandbox.close());
  beforeEach(() => {
    nowMs = Date.now();
  });

  const proxyToken = (userId: string) => sandbox.sandbox.oidc.userTokens.sign(userId);

  async function refused(token: string | undefined): Promise<void> {
    let error: unknown;
    try {
      await verifier.verify(token);
    } catch (e) {
      error = e;
    }
    expect(error, 'the token was accepted').to.be.instanceOf(UserTokenError);
    expect((error as UserTokenError).status).to.equal(401);
  }

  /** A token signed with a fresh ES256 key that the sandbox does not publish. */
  async function foreignToken(claims: JWTPayload, kid = 'not-published'): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('urn:whopcom:exp-proxy')
      .setAudience(appId)
      .setIssuedAt(nowSeconds())
      .setExpirationTime(nowSeconds() + 300)
      .sign(privateKey);
  }

  /** A token with exactly these claims, signed by the key the sandbox publishes. */
  function signedWithPublishedKey(claims: JWTPayload): Promise<string> {
    return new SignJWT({ iss: 'urn:whopcom:exp-proxy', aud: appId, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: published.kid })
      .sign(published.privateKey);
  }

  /** The sandbox's token with its payload replaced and its signature kept. */
  async function tampered(change: (payload: Record<string, unknown>) => void): Promise<string> {
    const [header, payload, signature] = (await proxyToken('user_student2')).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    change(claims);
    return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  }

  it('accepts the token Whop’s proxy signs and names its user', async () => {
    expect(await verifier.verify(await proxyToken('user_student1'))).to.deep.equal({ whopUserId: 'user_student1' });
  });

  it('refuses a missing or malformed token', async () => {
    await refused(undefined);
    await refused('');
    await refused('not-a-jwt');
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ sub: 'user_student1' })
      .setIssuer('urn:whopcom:exp-proxy')
      .setAudience(appId)
      .setIssuedAt(nowSeconds())
      .setExpirationTime(nowSeconds() + 300)
      .encode();
    await refused(token);
  });

  it('refuses HS256 signed with the published public key', async () => {
    const jwks = (await (await fetch(`${sandbox.url}/.well-known/jwks.json`)).json()) as { keys: [{ kid: string }] };
    const published = jwks.keys[0];
    const pem = await exportSPKI((await importJWK(published, 'ES256')) as CryptoKey);
    for (const secret of [pem, JSON.stringify(published)]) {
      const token = await new SignJWT({ sub: 'user_student1' })
        .setProtectedHeader({ alg: 'HS256', kid: published.kid })
        .setIssuer('urn:whopcom:exp-proxy')
        .setAudience(appId)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + 300)
        .sign(new TextEncoder().encode(secret));
      await refused(token);
    }
  });

  it('refuses a wrong or missing issuer or audience, and a token for another app', async () => {
    await refused(await tampered((c) => (c.iss = 'https://api.whop.com')));
    await refused(await tampered((c) => delete c.iss));
    await refused(await tampered((c) => delete c.aud));
    await refused(await tampered((c) => (c.aud = 'app_someone_else')));
    await refused(await signedWithPublishedKey({ sub: 'user_student1', iss: 'x', exp: nowSeconds() + 60 }));
    // Properly signed by the sandbox, but for another app.
    const other = await startTestSandbox({ app: { clientId: 'app_other' } });
    try {
      const otherVerifier = createUserTokenVerifier({
        appId,
        apiKey: 'unused',
        jwksUrl: `${other.url}/.well-known/jwks.json`,
      });
      const token = await other.sandbox.oidc.userTokens.sign('user_student1');
      let error: unknown;
      await otherVerifier.verify(token).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UserTokenError);
    } finally {
      await other.close();
    }
  });

  it('refuses a token that has expired or has no expiry', async () => {
    await refused(await tampered((c) => (c.exp = nowSeconds() - 120)));
    await refused(
      await signedWithPublishedKey({ sub: 'user_student1', iat: nowSeconds() - 305, exp: nowSeconds() - 5 }),
    );
    await refused(await signedWithPublishedKey({ sub: 'user_student1', iat: nowSeconds() }));
  });

  it('refuses a token issued in the future beyond the skew, and accepts one within it', async () => {
    const ahead = nowSeconds() + ISSUED_AT_SKEW_SECONDS;
    const claims = (iat: number) => ({ sub: 'user_student1', iat, exp: nowSeconds() + 300 });
    expect(await verifier.verify(await signedWithPublishedKey(claims(ahead - 1)))).to.deep.equal({
      whopUserId: 'user_student1',
    });
    await refused(await signedWithPublishedKey(claims(ahead + 5)));
    // The skew is measured on Chronos's clock: move it on and the same token passes.
    const early = await signedWithPublishedKey(claims(ahead + 5));
    nowMs += 10_000;
    expect((await verifier.verify(early)).whopUserId).to.equal('user_student1');
  });

  it('refuses a token signed by an unknown key, even one naming the published kid', async () => {
    await refused(await foreignToken({ sub: 'user_student1' }));
    const jwks = (await (await fetch(`${sandbox.url}/.well-known/jwks.json`)).json()) as { keys: [{ kid: string }] };
    await refused(await foreignToken({ sub: 'user_student1' }, jwks.keys[0].kid));
  });

  it('refuses a forged sub', async () => {
    await refused(await tampered((c) => (c.sub = 'user_creator_pro')));
    await refused(await tampered((c) => delete c.sub));
  });
});
