import { Router } from 'express';
import { pricingController } from '../controllers/pricing-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';

export function pricingRoutes(deps: { services: Services }): Router {
  const router = Router();
  const controller = pricingController(deps.services);
  router.get('/pricing', controller.show);
  router.post('/pricing/checkout', requireAuth, requireCreator, controller.startCheckout);
  router.get('/billing/return', requireAuth, requireCreator, controller.checkoutReturn);
  router.get('/billing/return/status', requireAuth, requireCreator, controller.checkoutReturnStatus);
  return router;
}
