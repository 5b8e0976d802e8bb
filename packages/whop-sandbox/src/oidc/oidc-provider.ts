/**
 * The sandbox's OpenID Connect provider: composes the key, stores, services and
 * controllers, and hands the sandbox app a router plus the access-token resolver.
 */
import type { Response, Router } from 'express';
import type { ClientAuthMethod } from './client-authenticator.ts';
import type { AccessTokenInfo, AccessTokenResolver, SandboxOptions, UserDirectory } from '../sandbox-contracts.ts';
import { createAuthorizeController } from './authorize-controller.ts';
import { AuthorizationCodeStore } from './authorization-code-store.ts';
import { AuthorizationRequestStore } from './authorization-request-store.ts';
import { AuthorizationService } from './authorization-service.ts';
import { createDiscoveryController } from './discovery-controller.ts';
import { createIdTokenSigner } from './id-token-signer.ts';
import { systemClock } from './oidc-clock.ts';
import type { Clock } from './oidc-clock.ts';
import { createOidcRouter } from './oidc-routes.ts';
import { loadOrCreateSigningKey } from './oidc-signing-key.ts';
import { createTokenController } from './token-controller.ts';
import { TokenService } from './token-service.ts';
import { TokenStore } from './token-store.ts';
import { createUserTokenSigner, type UserTokenSigner } from '../app-proxy/user-token-signer.ts';
import { createUserinfoController } from './userinfo-controller.ts';

export interface OidcProvider extends AccessTokenResolver {
  /** Mounted at the sandbox root: serves `/.well-known/*` and `/oauth/*`. */
  router: Router;
  /** Revokes every token and unredeemed code of the user (when the control API removes them). */
  revokeAllForUser(userId: string): void;
  /** Signs `x-whop-user-token` for the app proxy with the same published key. */
  userTokens: UserTokenSigner;
}

export interface OidcProviderDeps {
  options: SandboxOptions;
  users: UserDirectory;
  /** Time source for every expiry (codes, tokens, pending requests); tests move it. */
  clock?: Clock;
  /** The app's current `token_endpoint_auth_method`; default: the registration's, else `client_secret_post`. */
  authMethod?: () => ClientAuthMethod;
  /** Told who approved a sign-in on the consent page (the sandbox remembers its signed-in user). */
  onSignedIn?: (res: Response, userId: string) => void;
}

export async function createOidcProvider(deps: OidcProviderDeps): Promise<OidcProvider> {
  const { options, users } = deps;
  const clock = deps.clock ?? systemClock;
  if (!Number.isInteger(options.accessTokenTtlSeconds) || options.accessTokenTtlSeconds <= 0) {
    throw new RangeError('accessTokenTtlSeconds must be a positive integer');
  }
  const issuer = options.origin;
  const logger = options.logger.child({ component: 'sandbox-oidc' });
  const key = await loadOrCreateSigningKey(options.dataDir);

  const codes = new AuthorizationCodeStore(clock);
  const tokenService = new TokenService({
    tokens: new TokenStore(clock),
    codes,
    users,
    idTokens: createIdTokenSigner({ key, issuer, clock }),
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    logger,
  });
  const authorization = new AuthorizationService({
    app: options.app,
    issuer,
    users,
    requests: new AuthorizationRequestStore(clock),
    codes,
    clock,
    logger,
  });

  const router = createOidcRouter(
    {
      discovery: createDiscoveryController({ issuer, publicJwk: key.publicJwk }),
      authorize: createAuthorizeController({ authorization, users, onSignedIn: deps.onSignedIn }),
      token: createTokenController({
        tokens: tokenService,
        app: options.app,
        authMethod: deps.authMethod ?? (() => options.app.tokenEndpointAuthMethod ?? 'client_secret_post'),
      }),
      userinfo: createUserinfoController({ tokens: tokenService, users }),
    },
    logger,
  );

  return {
    router,
    resolveAccessToken: (token: string): AccessTokenInfo | undefined => tokenService.resolveAccessToken(token),
    revokeAllForUser: (userId: string): void => tokenService.revokeAllForUser(userId),
    userTokens: createUserTokenSigner({ key, appId: options.app.clientId, clock }),
  };
}
