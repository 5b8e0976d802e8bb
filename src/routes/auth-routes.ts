import { Router, type RequestHandler } from 'express';
import { authController, type AuthControllerDeps } from '../controllers/auth-controller.ts';
import { csrfProtection } from '../middleware/csrf-protection.ts';

export function authRoutes(deps: AuthControllerDeps & { rateLimiter: RequestHandler }): Router {
  // Mounted at PATHS.auth (app.ts): other requests never enter it.
  const router = Router();
  const controller = authController(deps);
  // The per-address limit guards the sign-in steps only. Sign-out is not limited by it: a
  // network whose sign-in budget is spent (a shared office, someone flooding the login) must
  // still be able to end its sessions; the session's CSRF token already guards it.
  router.get('/login', deps.rateLimiter, controller.login);
  router.get('/callback', deps.rateLimiter, controller.callback);
  router.post('/logout', csrfProtection, controller.logout);
  return router;
}
