import { Router, type RequestHandler } from 'express';
import { authController, type AuthControllerDeps } from '../controllers/auth-controller.ts';
import { csrfProtection } from '../middleware/csrf-protection.ts';

export function authRoutes(deps: AuthControllerDeps & { rateLimiter: RequestHandler }): Router {
  const router = Router();
  const controller = authController(deps);
  router.use('/api/whop/auth', deps.rateLimiter);
  router.get('/api/whop/auth/login', controller.login);
  router.get('/api/whop/auth/callback', controller.callback);
  router.post('/api/whop/auth/logout', csrfProtection, controller.logout);
  return router;
}
