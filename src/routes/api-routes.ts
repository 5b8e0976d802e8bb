import { Router, type RequestHandler } from 'express';
import { meController } from '../controllers/me-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import type { SessionTokenVault } from '../services/auth/session-token-vault.ts';
import type { WhopOidcClient } from '../services/whop/whop-oidc-client.ts';
import type { UserService } from '../services/user-service.ts';

export function apiRoutes(deps: { vault: SessionTokenVault; oidc: WhopOidcClient; users: UserService; rateLimiter: RequestHandler }): Router {
  const router = Router();
  const me = meController(deps);
  const signedInApi = [requireAuth, deps.rateLimiter];
  router.get('/api/me', signedInApi, me.me);
  router.get('/api/me/whop', signedInApi, me.whopProfile);
  return router;
}
