/** The creator's API tokens page: list, create (Pro and up), revoke (always, so a downgraded creator can clean up). */
import { Router } from 'express';
import { apiTokenController } from '../controllers/api-token-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator, requireFeature } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';
import { API_SETTINGS_PATH } from '../http/api-paths.ts';

export function apiTokenRoutes(deps: { services: Services; appUrl: string }): Router {
  const router = Router();
  const { services } = deps;
  const tokens = apiTokenController({ tokens: services.apiTokens, plans: services.plans, appUrl: deps.appUrl });
  const creator = [requireAuth, requireCreator];
  router.get(API_SETTINGS_PATH, creator, tokens.show);
  router.post(`${API_SETTINGS_PATH}/tokens`, creator, requireFeature('api_access', services.plans), tokens.create);
  router.post(`${API_SETTINGS_PATH}/tokens/:tokenId/revoke`, creator, tokens.revoke);
  return router;
}
