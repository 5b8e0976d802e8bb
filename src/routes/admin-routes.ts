import { Router } from 'express';
import { requireAdmin, requireAuth } from '../middleware/require-auth.ts';

/** Everything under /admin is for admins only; the pages themselves are added by the tier overview. */
export function adminRoutes(): Router {
  const router = Router();
  router.use('/admin', requireAuth, requireAdmin);
  return router;
}
