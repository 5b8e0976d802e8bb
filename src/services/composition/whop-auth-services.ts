/**
 * Whop and signing in: the REST client, OAuth and OIDC, users and their roles, the sessions'
 * encrypted Whop tokens, creators' access to their companies, and the install link.
 */
import { PATHS } from '../../http/route-paths.ts';
import { SessionTokenVault } from '../../sessions/session-token-vault.ts';
import { TokenCipher } from '../whop/token-cipher.ts';
import { WhopOidcClient } from '../whop/whop-oidc-client.ts';
import { WhopApiClient } from '../whop/whop-api-client.ts';
import { whopInstallUrl } from '../whop/install-link.ts';
import { createUserService } from '../user-service.ts';
import { createRoleService } from '../role-service.ts';
import { createSignInService } from '../auth/sign-in-service.ts';
import { createCreatorAccessService } from '../creator-access-service.ts';
import type { CompositionInputs } from './composition-inputs.ts';

export function buildWhopAuthServices({ infra, overrides, now }: CompositionInputs) {
  const { config, logger, models } = infra;
  const oidc = new WhopOidcClient(
    {
      issuer: config.whop.oauthIssuer,
      clientId: config.whop.clientId,
      clientSecret: config.whop.clientSecret,
      redirectUri: `${config.appUrl}${PATHS.callback}`,
      allowInsecureLoopback: !config.isProduction,
      discoveryRetryMs: overrides.oidcDiscoveryRetryMs,
      idTokenAlg: config.whop.idTokenAlg,
      clientAuth: config.whop.oauthClientAuth,
      now,
    },
    logger,
  );
  const users = createUserService(models);
  const roles = createRoleService({ reads: infra.reads, models, adminWhopUserIds: config.adminWhopUserIds });
  const vault = new SessionTokenVault({
    cipher: new TokenCipher(config.whop.tokenEncryptionKeys),
    oidc,
    locks: infra.locks,
    store: infra.sessionStore,
    logger,
    refreshMarginMs: overrides.tokenRefreshMarginMs,
    now,
  });
  const whop = new WhopApiClient(
    {
      baseUrl: config.whop.apiBase,
      apiKey: config.whop.apiKey,
      apiVersionDate: config.whop.apiVersionDate,
      appId: config.whop.appId,
      sleep: overrides.whopSleep,
      onCall: (operation, outcome) => infra.metrics?.whopCalls.inc({ operation, outcome }),
    },
    logger,
  );
  const creatorAccess = createCreatorAccessService({ models, whop, logger, now: () => new Date(now()) });
  const installUrl = whopInstallUrl({
    isProduction: config.isProduction,
    oauthIssuer: config.whop.oauthIssuer,
    appId: config.whop.appId,
  });
  const signIn = createSignInService({ oidc, users, creatorAccess, logger, now });
  return { oidc, users, roles, signIn, vault, whop, creatorAccess, installUrl };
}

export type WhopAuthServices = ReturnType<typeof buildWhopAuthServices>;
