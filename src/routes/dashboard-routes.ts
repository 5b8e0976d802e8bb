import { Router } from 'express';
import { dashboardController } from '../controllers/dashboard-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';

export function dashboardRoutes(): Router {
  const router = Router();
  const controller = dashboardController();
  router.get('/dashboard', requireAuth, controller.show);
  return router;
}
