/**
 * Sign in with Whop through openid-client (discovery, code + PKCE, id token validation,
 * userinfo, refresh, revocation) against `WHOP_OAUTH_ISSUER`. Discovery is lazy: when the
 * issuer is unreachable the app still runs, and the next sign-in tries again.
 */
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from '../../errors.ts';

export interface WhopOidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Plain http is allowed only for a loopback issuer outside production. */
  allowInsecureLoopback: boolean;
  /** Minimum pause between two failed discovery attempts. */
  discoveryRetryMs?: number;
}

export const WHOP_SCOPE = 'openid profile email';

export interface WhopIdentity {
  sub: string;
  username: string | null;
  name: string | null;
  email: string | null;
  picture: string | null;
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class WhopOidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;
  private lastFailureAt = 0;

  constructor(private readonly settings: WhopOidcSettings, private readonly logger: Logger) {}

  private insecureAllowed(): boolean {
    const issuer = new URL(this.settings.issuer);
    return issuer.protocol === 'http:' && this.settings.allowInsecureLoopback && isLoopback(issuer);
  }

  /** The provider's configuration; throws ServiceUnavailableError while it cannot be discovered. */
  async configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const retryMs = this.settings.discoveryRetryMs ?? 5_000;
      if (Date.now() - this.lastFailureAt < retryMs) throw this.unavailable();
      this.discovered = oidc
        .discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, oidc.ClientSecretPost(this.settings.clientSecret), {
          execute: this.insecureAllowed() ? [oidc.allowInsecureRequests] : [],
          timeout: 5,
        })
        .catch((error: unknown) => {
          this.discovered = undefined;
          this.lastFailureAt = Date.now();
          this.logger.warn({ err: { message: (error as Error).message }, issuer: this.settings.issuer }, 'whop oidc discovery failed');
          throw this.unavailable();
        });
    }
    return this.discovered;
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

  /** Exchanges the code (checking state, PKCE, and the id token's issuer, audience, nonce, expiry, signature). */
  async exchangeCode(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }) {
    return oidc.authorizationCodeGrant(await this.configuration(), callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier,
      idTokenExpected: true,
    });
  }

  async userInfo(accessToken: string, expectedSubject: string): Promise<WhopIdentity> {
    const info = await oidc.fetchUserInfo(await this.configuration(), accessToken, expectedSubject);
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
