/**
 * The sandbox's copy of Whop's app proxy token: `x-whop-user-token`, an ES256 JWT signed with
 * the key the sandbox publishes at `/.well-known/jwks.json`, issuer `urn:whopcom:exp-proxy`,
 * audience the app id, subject the signed-in user. Whop documents the issuer, algorithm,
 * audience and subject (the official verifier in `@whop/sdk` checks exactly these); the
 * lifetime is not published, so the sandbox picks a short one.
 */
import { SignJWT } from 'jose';
import { epochSeconds, type Clock } from '../oidc/oidc-clock.ts';
import { SIGNING_ALG, type OidcSigningKey } from '../oidc/oidc-signing-key.ts';

export const USER_TOKEN_ISSUER = 'urn:whopcom:exp-proxy';
export const USER_TOKEN_TTL_SECONDS = 300;

export interface UserTokenSigner {
  sign(userId: string): Promise<string>;
}

export function createUserTokenSigner(deps: { key: OidcSigningKey; appId: string; clock: Clock }): UserTokenSigner {
  const { key, appId, clock } = deps;
  return {
    sign(userId) {
      const now = epochSeconds(clock());
      return new SignJWT({})
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(USER_TOKEN_ISSUER)
        .setAudience(appId)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(now + USER_TOKEN_TTL_SECONDS)
        .sign(key.privateKey);
    },
  };
}
