import { Router } from 'express';
import { healthController } from '../controllers/health-controller.ts';
import type { ReadinessService } from '../services/readiness-service.ts';

export function healthRoutes(readiness: ReadinessService): Router {
  const router = Router();
  const controller = healthController(readiness);
  router.get('/healthz', controller.live);
  router.get('/readyz', controller.ready);
  return router;
}
