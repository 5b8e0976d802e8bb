import { Router } from 'express';
import { requireAdmin, requireAuth } from '../middleware/require-auth.ts';
import { adminController } from '../controllers/admin-controller.ts';
import type { TierOverviewService } from '../services/admin/tier-overview-service.ts';
import type { OperationsOverviewService } from '../services/admin/operations-overview-service.ts';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import type { ReconciliationService } from '../services/reconciliation-service.ts';
import { adminOperationsController } from '../controllers/admin-operations-controller.ts';

/** Everything under /admin is for admins only. */
export function adminRoutes(deps: { overview: TierOverviewService; operations: OperationsOverviewService; webhooks: WebhookWorker; reconciliation: ReconciliationService }): Router {
  const router = Router();
  const admin = adminController(deps);
  const operations = adminOperationsController(deps);
  router.use('/admin', requireAuth, requireAdmin);
  router.get('/admin/tiers', admin.tiers);
  router.get('/admin/webhooks', operations.show);
  router.post('/admin/webhooks/:id/replay', operations.replay);
  router.post('/admin/reconciliation', operations.reconcile);
  return router;
}
