import { Router, type RequestHandler } from 'express';
import { authController, type AuthControllerDeps } from '../controllers/auth-controller.ts';
import { csrfProtection } from '../middleware/csrf-protection.ts';

export function authRoutes(deps: AuthControllerDeps & { rateLimiter: RequestHandler }): Router {
  // Mounted at PATHS.auth (app.ts): other requests never enter it.
  const router = Router();
  const controller = authController(deps);
  router.use(deps.rateLimiter);
  router.get('/login', controller.login);
  router.get('/callback', controller.callback);
  router.post('/logout', csrfProtection, controller.logout);
  return router;
}
