/** Signs OpenID Connect id tokens (ES256) with the provider's key. */
import { SignJWT } from 'jose';
import { epochSeconds } from './oidc-clock.ts';
import type { Clock } from './oidc-clock.ts';
import { SIGNING_ALG } from './oidc-signing-key.ts';
import type { OidcSigningKey } from './oidc-signing-key.ts';

export const ID_TOKEN_TTL_SECONDS = 3600;

export interface IdTokenInput {
  userId: string;
  clientId: string;
  /** Epoch seconds of the user's approval. */
  authTime: number;
  nonce?: string | undefined;
  /** Profile and email claims allowed by the scope. */
  claims: Record<string, string | boolean>;
}

export interface IdTokenSigner {
  sign(input: IdTokenInput): Promise<string>;
}

export function createIdTokenSigner(deps: { key: OidcSigningKey; issuer: string; clock: Clock }): IdTokenSigner {
  const { key, issuer, clock } = deps;
  return {
    async sign(input) {
      const now = epochSeconds(clock());
      const payload: Record<string, unknown> = { ...input.claims, auth_time: input.authTime };
      if (input.nonce !== undefined) payload.nonce = input.nonce;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(input.clientId)
        .setSubject(input.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + ID_TOKEN_TTL_SECONDS)
        .sign(key.privateKey);
    },
  };
}
