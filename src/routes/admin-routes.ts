import { Router } from 'express';
import type { Logger } from 'pino';
import { requireAdmin, requireAuth } from '../middleware/require-auth.ts';
import { adminController } from '../controllers/admin-controller.ts';
import type { TierOverviewService } from '../services/admin/tier-overview-service.ts';
import type { OperationsOverviewService } from '../services/admin/operations-overview-service.ts';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import type { ReconciliationService } from '../services/reconciliation/reconciliation-service.ts';
import { adminOperationsController } from '../controllers/admin-operations-controller.ts';
import { companyConnections } from '../controllers/company-connections-controller.ts';
import type { CreatorAccessService } from '../services/creator-access-service.ts';
import type { WebhookEventListQuery } from '../services/admin/webhook-event-list-query.ts';
import type { CreatorInspectionQuery } from '../services/admin/creator-inspection-query.ts';
import { adminEventsController } from '../controllers/admin-events-controller.ts';
import { adminCreatorsController } from '../controllers/admin-creators-controller.ts';

/** Everything under /admin is for admins only. */
export function adminRoutes(deps: {
  overview: TierOverviewService;
  operations: OperationsOverviewService;
  webhooks: WebhookWorker;
  reconciliation: ReconciliationService;
  creatorAccess: CreatorAccessService;
  eventList: WebhookEventListQuery;
  creatorInspection: CreatorInspectionQuery;
  now: () => number;
  logger: Logger;
}): Router {
  const router = Router();
  const admin = adminController(deps);
  const operations = adminOperationsController(deps);
  const events = adminEventsController(deps);
  const creators = adminCreatorsController(deps);
  // Mounted at /admin (app.ts).
  router.use(requireAuth, requireAdmin);
  // The admin area's front page is the tier overview (the navigation's "Admin" link).
  router.get('/', (_req, res) => res.redirect(302, '/admin/tiers'));
  router.get('/tiers', admin.tiers);
  router.get(
    '/webhooks',
    async (req, res, next) => {
      const { status, ...locals } = await events.listLocals(req.query);
      res.status(status);
      Object.assign(res.locals, locals);
      next();
    },
    companyConnections(deps.creatorAccess),
    operations.show,
  );
  router.get('/webhooks/events/:id', events.show);
  router.post('/webhooks/:id/replay', events.replay);
  router.get('/creators/past-due', creators.pastDue);
  router.get('/creators/:id', creators.show);
  router.post('/reconciliation', operations.reconcile);
  return router;
}
