import { Router, type RequestHandler } from 'express';
import { meController } from '../controllers/me-controller.ts';
import { usageController } from '../controllers/usage-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';
import { progressController } from '../controllers/progress-controller.ts';

export function apiRoutes(deps: { services: Services; rateLimiter: RequestHandler }): Router {
  const router = Router();
  const { services } = deps;
  const me = meController(services);
  const usage = usageController(services.usage);
  const signedInApi = [requireAuth, deps.rateLimiter];
  // Mounted at /api (app.ts).
  router.get('/me', signedInApi, me.me);
  router.get('/me/whop', signedInApi, me.whopProfile);
  router.post('/ai/credits', signedInApi, requireCreator, usage.spendAiCredits);
  router.post('/videos/:videoId/progress', signedInApi, progressController(services).save);
  return router;
}
