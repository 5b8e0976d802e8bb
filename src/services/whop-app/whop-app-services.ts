/** The Whop App surface's services, built once at the composition root (composition/installation-services.ts). */
import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';
import type { Models } from '../../models/init-models.ts';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { RoleService } from '../role-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import { createUserTokenVerifier } from '../whop/user-token-verifier.ts';
import { createMediaUrlSigner } from '../watching/media-url-signer.ts';
import { createEmbeddedSignatures } from './embedded-signatures.ts';
import { createEmbeddedViewerService } from './embedded-viewer-service.ts';
import type { ExperienceRecords } from './experience-records.ts';

export function buildWhopAppServices(deps: {
  config: Readonly<Config>;
  logger: Logger;
  models: Models;
  whop: WhopApiClient;
  cache: CacheService;
  roles: RoleService;
  records: ExperienceRecords;
  now: () => number;
}) {
  const { config } = deps;
  const secret = config.sessionSecrets[0];
  return {
    /** Verifies Whop's `x-whop-user-token` (the official SDK verifier, Whop's JWKS). */
    userTokens: createUserTokenVerifier({
      appId: config.whop.appId,
      apiKey: config.whop.apiKey,
      jwksUrl: config.whopApp.userTokenJwksUrl,
      now: deps.now,
    }),
    embeddedViewers: createEmbeddedViewerService(deps),
    embeddedSignatures: createEmbeddedSignatures({ secret }),
    /** The embedded player's media URLs: the one signer, with the embedded surface's key. */
    embeddedMediaUrls: createMediaUrlSigner({ secret, now: deps.now, surface: 'embedded' }),
    /** Chronos's record of its Whop experiences and their companies. */
    experienceRecords: deps.records,
  };
}
