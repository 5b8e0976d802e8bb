import { Router } from 'express';
import { requireAdmin, requireAuth } from '../middleware/require-auth.ts';
import { adminController } from '../controllers/admin-controller.ts';
import type { TierOverviewService } from '../services/admin/tier-overview-service.ts';

/** Everything under /admin is for admins only. */
export function adminRoutes(deps: { overview: TierOverviewService }): Router {
  const router = Router();
  const admin = adminController(deps);
  router.use('/admin', requireAuth, requireAdmin);
  router.get('/admin/tiers', admin.tiers);
  return router;
}
