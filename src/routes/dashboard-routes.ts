import { Router, type RequestHandler } from 'express';
import { creatorDashboardReadAhead, dashboardController } from '../controllers/dashboard-controller.ts';
import type { ReadAhead } from '../middleware/read-ahead.ts';
import { onboardingController } from '../controllers/onboarding-controller.ts';
import { usageController } from '../controllers/usage-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';
import type { Creator } from '../models/creator-model.ts';

const DASHBOARD_PATH = '/dashboard';

/** The reads of these pages that go along with the signed-in user's (see middleware/read-ahead.ts). */
export function dashboardReadAheads(services: Pick<Services, 'dashboard'>): ReadAhead[] {
  return [creatorDashboardReadAhead(DASHBOARD_PATH, services.dashboard)];
}

export function dashboardRoutes(deps: { services: Services; upgradeUrl: (tier: Creator['tier']) => string | null; analytics: RequestHandler[] }): Router {
  const router = Router();
  const dashboard = dashboardController({ students: deps.services.students, dashboard: deps.services.dashboard, upgradeUrl: deps.upgradeUrl });
  const onboarding = onboardingController(deps.services.onboarding);
  const usage = usageController(deps.services.usage);
  router.get(DASHBOARD_PATH, requireAuth, dashboard.show);
  router.post('/onboarding', requireAuth, onboarding.submit);
  router.post('/dashboard/videos', requireAuth, requireCreator, usage.addVideoForm);
  router.get('/analytics', requireAuth, requireCreator, ...deps.analytics);
  return router;
}
