/**
 * Verifies the `x-whop-user-token` header that Whop's app proxy adds to every request of an
 * embedded Whop App. The signature, algorithm (ES256 only), issuer (`urn:whopcom:exp-proxy`),
 * expiry and audience (our `WHOP_APP_ID`) are checked by the official verifier of
 * `@whop/sdk` (`client.verifyUserToken`), with keys from Whop's JWKS (jose's remote key set:
 * cached, fetched again on an unknown key id). The SDK neither requires `exp` nor looks at
 * `iat`: a token without an expiry, or issued in the future beyond a small skew, is refused here.
 */
import Whop from '@whop/sdk';
import { decodeJwt } from 'jose';
import { UnauthenticatedError } from '../../domain/app-errors.ts';

export const USER_TOKEN_HEADER = 'x-whop-user-token';
/** How far a token's `iat` may lie ahead of our clock (clock skew between Whop and us). */
export const ISSUED_AT_SKEW_SECONDS = 60;

export interface VerifiedWhopUser {
  whopUserId: string;
}

export interface UserTokenVerifier {
  /** The user the token speaks for; throws UserTokenError for a missing or invalid token. */
  verify(token: string | undefined): Promise<VerifiedWhopUser>;
}

export class UserTokenError extends UnauthenticatedError {
  constructor() {
    super('Open Chronos from Whop: this page works inside whop.com, where Whop tells us who you are.');
  }
}

export function createUserTokenVerifier(settings: {
  appId: string;
  apiKey: string;
  jwksUrl: string;
  now?: () => number;
}): UserTokenVerifier {
  const now = settings.now ?? Date.now;
  const sdk = new Whop({
    apiKey: settings.apiKey,
    appID: settings.appId,
    userTokenJwksUrl: settings.jwksUrl,
    maxRetries: 0,
    logLevel: 'off',
  });
  return {
    async verify(token) {
      if (!token) throw new UserTokenError();
      const verified = await sdk.verifyUserToken(token, { dontThrow: true });
      if (!verified || verified.appId !== settings.appId || !verified.userId.startsWith('user_'))
        throw new UserTokenError();
      // The SDK lets a token without `exp` live for ever and never looks at `iat`.
      const { iat, exp } = decodeJwt(token);
      if (typeof exp !== 'number') throw new UserTokenError();
      if (iat !== undefined && iat > Math.floor(now() / 1000) + ISSUED_AT_SKEW_SECONDS) throw new UserTokenError();
      return { whopUserId: verified.userId };
    },
  };
}
