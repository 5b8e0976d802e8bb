/**
 * Sign in with Whop through openid-client (discovery, code + PKCE, id token validation,
 * userinfo, refresh, revocation) against `WHOP_OAUTH_ISSUER`. Discovery is lazy: when the
 * issuer is unreachable the app still runs, and the next sign-in tries again.
 *
 * The id_token is not trusted for coming over TLS: its signature is verified against the
 * issuer's JWKS (openid-client's non-repudiation checks), its algorithm is pinned
 * (`WHOP_ID_TOKEN_ALG`), and an `iat` in the future beyond the clock skew is refused.
 */
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { OAuthClientAuth } from '../../config/whop-settings.ts';
import { ServiceUnavailableError, errorMessage } from '../../domain/app-errors.ts';
import { WhopIdentityError } from './whop-errors.ts';

export interface WhopOidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Plain http is allowed only for a loopback issuer outside production. */
  allowInsecureLoopback: boolean;
  /** Minimum pause between two failed discovery attempts. */
  discoveryRetryMs?: number;
  /** The JWS algorithm the id_token must be signed with (Whop: ES256). */
  idTokenAlg: string;
  /** Client authentication at the token and revocation endpoints. */
  clientAuth: OAuthClientAuth;
  /** Tolerated difference between our clock and Whop's, in seconds (default 60). */
  clockSkewSeconds?: number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

export const WHOP_SCOPE = 'openid profile email';

export interface WhopIdentity {
  sub: string;
  username: string | null;
  name: string | null;
  email: string | null;
  picture: string | null;
}

const DEFAULT_CLOCK_SKEW_SECONDS = 60;

function clientAuthentication(method: OAuthClientAuth, secret: string): oidc.ClientAuth {
  switch (method) {
    case 'client_secret_basic':
      return oidc.ClientSecretBasic(secret);
    case 'none':
      return oidc.None();
    default:
      return oidc.ClientSecretPost(secret);
  }
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class WhopOidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;
  private lastFailureAt = 0;

  constructor(
    private readonly settings: WhopOidcSettings,
    private readonly logger: Logger,
  ) {}

  private insecureAllowed(): boolean {
    const issuer = new URL(this.settings.issuer);
    return issuer.protocol === 'http:' && this.settings.allowInsecureLoopback && isLoopback(issuer);
  }

  /** The provider's configuration; throws ServiceUnavailableError while it cannot be discovered. */
  async configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const retryMs = this.settings.discoveryRetryMs ?? 5_000;
      if (Date.now() - this.lastFailureAt < retryMs) throw this.unavailable();
      const metadata: Partial<oidc.ClientMetadata> = {
        id_token_signed_response_alg: this.settings.idTokenAlg,
        [oidc.clockTolerance]: this.skewSeconds(),
      };
      this.discovered = oidc
        .discovery(
          new URL(this.settings.issuer),
          this.settings.clientId,
          metadata,
          clientAuthentication(this.settings.clientAuth, this.settings.clientSecret),
          {
            execute: [...(this.insecureAllowed() ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
            timeout: 5,
          },
        )
        .catch((error: unknown) => {
          this.discovered = undefined;
          this.lastFailureAt = Date.now();
          this.logger.warn(
            { err: { message: errorMessage(error) }, issuer: this.settings.issuer },
            'whop oidc discovery failed',
          );
          throw this.unavailable();
        });
    }
    return this.discovered;
  }

  private skewSeconds(): number {
    return this.settings.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  }

  private unavailable(): ServiceUnavailableError {
    return new ServiceUnavailableError('Whop sign-in is not reachable right now. Please try again in a moment.', 5);
  }

  async authorizationUrl(params: { state: string; nonce: string; codeChallenge: string }): Promise<URL> {
    return oidc.buildAuthorizationUrl(await this.configuration(), {
      redirect_uri: this.settings.redirectUri,
      scope: WHOP_SCOPE,
      state: params.state,
      nonce: params.nonce,
      code_challenge: params.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  /**
   * Exchanges the code, checking state, PKCE, and the id token's signature (issuer's JWKS),
   * algorithm, issuer, audience, nonce, expiry and issue time.
   */
  async exchangeCode(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }) {
    const tokens = await oidc.authorizationCodeGrant(await this.configuration(), callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier,
      idTokenExpected: true,
    });
    const issuedAt = tokens.claims()?.iat;
    const nowSeconds = Math.floor((this.settings.now ?? Date.now)() / 1000);
    if (typeof issuedAt !== 'number' || issuedAt > nowSeconds + this.skewSeconds()) {
      throw new WhopIdentityError(
        'id_token_issued_in_future',
        `id_token iat ${String(issuedAt)} is after now (${nowSeconds}) plus the clock skew`,
      );
    }
    return tokens;
  }

  /** Whop's userinfo for the access token; a WhopIdentityError when it names another subject. */
  async userInfo(accessToken: string, expectedSubject: string): Promise<WhopIdentity> {
    const info = await oidc.fetchUserInfo(await this.configuration(), accessToken, oidc.skipSubjectCheck);
    if (info.sub !== expectedSubject)
      throw new WhopIdentityError('userinfo_subject_mismatch', 'userinfo names another subject than the id_token');
    const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
    return {
      sub: info.sub,
      username: text(info.preferred_username),
      name: text(info.name),
      email: text(info.email),
      picture: text(info.picture),
    };
  }

  async refresh(refreshToken: string) {
    return oidc.refreshTokenGrant(await this.configuration(), refreshToken);
  }

  async revoke(token: string): Promise<void> {
    await oidc.tokenRevocation(await this.configuration(), token, { token_type_hint: 'refresh_token' });
  }
}
