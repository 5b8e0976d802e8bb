/** Wires the services from the infrastructure: the one place that knows who uses what. */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Models } from '../models/init-models.ts';
import type { TokenSafeSessionStore } from '../sessions/token-safe-session-store.ts';
import { createInProcessLockService, createRedisLockService, type LockService } from './locks/lock-service.ts';
import { TokenCipher } from './whop/token-cipher.ts';
import { WhopOidcClient } from './whop/whop-oidc-client.ts';
import { createUserService } from './user-service.ts';
import { createRoleService } from './role-service.ts';
import { createSignInService } from './auth/sign-in-service.ts';
import { SessionTokenVault } from './auth/session-token-vault.ts';

export function createLockService(redis: Redis | undefined, prefix: string): LockService {
  return redis ? createRedisLockService(redis, prefix) : createInProcessLockService();
}

export interface ServiceOverrides {
  /** Refresh margin for Whop access tokens (tests shorten it). */
  tokenRefreshMarginMs?: number;
  oidcDiscoveryRetryMs?: number;
}

export function buildServices(
  infra: { config: Readonly<Config>; logger: Logger; models: Models; sessionStore: TokenSafeSessionStore; locks: LockService },
  overrides: ServiceOverrides = {},
) {
  const { config, logger, models } = infra;
  const oidc = new WhopOidcClient(
    {
      issuer: config.whop.oauthIssuer,
      clientId: config.whop.clientId,
      clientSecret: config.whop.clientSecret,
      redirectUri: `${config.appUrl}/api/whop/auth/callback`,
      allowInsecureLoopback: !config.isProduction,
      discoveryRetryMs: overrides.oidcDiscoveryRetryMs,
    },
    logger,
  );
  const users = createUserService(models);
  const roles = createRoleService({ models, adminWhopUserIds: config.adminWhopUserIds });
  const signIn = createSignInService({ oidc, users, logger });
  const vault = new SessionTokenVault({
    cipher: new TokenCipher(config.whop.tokenEncryptionKeys),
    oidc,
    locks: infra.locks,
    store: infra.sessionStore,
    logger,
    refreshMarginMs: overrides.tokenRefreshMarginMs,
  });
  return { oidc, users, roles, signIn, vault, locks: infra.locks };
}

export type Services = ReturnType<typeof buildServices>;
