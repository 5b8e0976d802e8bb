import { Router } from 'express';
import { dashboardController } from '../controllers/dashboard-controller.ts';
import { onboardingController } from '../controllers/onboarding-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator, requireFeature } from '../middleware/require-creator.ts';
import { analyticsController } from '../controllers/analytics-controller.ts';
import type { Services } from '../services/build-services.ts';

export function dashboardRoutes(deps: { services: Services }): Router {
  const router = Router();
  const onboarding = onboardingController({
    onboarding: deps.services.onboarding,
    access: deps.services.creatorAccess,
    vault: deps.services.vault,
  });
  const dashboard = dashboardController({
    students: deps.services.students,
    dashboard: deps.services.dashboard,
    plans: deps.services.plans,
    planManagement: deps.services.planManagement,
    supportEmail: deps.services.supportEmail,
    now: deps.services.now,
    progress: deps.services.progress,
    installUrl: deps.services.installUrl,
    onboarding: (req, res) => onboarding.showPicker(req, res),
  });
  router.get('/dashboard', requireAuth, dashboard.show);
  router.get('/onboarding', requireAuth, onboarding.show);
  router.post('/onboarding', requireAuth, onboarding.submit);
  router.get('/onboarding/install', requireAuth, onboarding.installStep);
  router.post('/dashboard/connection', requireAuth, requireCreator, onboarding.checkConnection);
  router.get(
    '/analytics',
    requireAuth,
    requireCreator,
    requireFeature('analytics', deps.services.plans),
    analyticsController(deps.services).show,
  );
  return router;
}
