import { Router } from 'express';
import type { Logger } from 'pino';
import { requireAdmin, requireAuth } from '../middleware/require-auth.ts';
import { adminController } from '../controllers/admin-controller.ts';
import type { TierOverviewService } from '../services/admin/tier-overview-service.ts';
import type { OperationsOverviewService } from '../services/admin/operations-overview-service.ts';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import type { ReconciliationService } from '../services/reconciliation-service.ts';
import { adminOperationsController } from '../controllers/admin-operations-controller.ts';
import { companyConnections } from '../controllers/company-connections-controller.ts';
import type { CreatorAccessService } from '../services/creator-access-service.ts';

/** Everything under /admin is for admins only. */
export function adminRoutes(deps: {
  overview: TierOverviewService;
  operations: OperationsOverviewService;
  webhooks: WebhookWorker;
  reconciliation: ReconciliationService;
  creatorAccess: CreatorAccessService;
  logger: Logger;
}): Router {
  const router = Router();
  const admin = adminController(deps);
  const operations = adminOperationsController(deps);
  // Mounted at /admin (app.ts).
  router.use(requireAuth, requireAdmin);
  router.get('/tiers', admin.tiers);
  router.get('/webhooks', companyConnections(deps.creatorAccess), operations.show);
  router.post('/webhooks/:id/replay', operations.replay);
  router.post('/reconciliation', operations.reconcile);
  return router;
}
