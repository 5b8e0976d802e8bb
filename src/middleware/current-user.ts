/**
 * Loads the signed-in user, their role and creator row from the database on each request (one
 * statement), so changes of role or tier apply at once. A creator's tier older than the plan
 * cache is refreshed in the background. A session whose user row is gone is treated as signed out.
 */
import { navigationFor } from '../views/navigation.ts';
import type { RequestHandler } from 'express';
import type { RoleService, UserContext } from '../services/role-service.ts';
import type { CreatorTierService } from '../services/tiers/creator-tier-service.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      currentUser?: UserContext;
    }
  }
}

export function loadCurrentUser(deps: { roles: RoleService; tiers: CreatorTierService }): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId === undefined) return next();
    const current = await deps.roles.contextOf(userId);
    if (!current || current.user.whopUserId !== req.session.whopUserId) {
      delete req.session.userId;
      return next();
    }
    if (current.creator) deps.tiers.refreshIfStale(current.creator, current.user.whopUserId);
    req.currentUser = current;
    res.locals.currentUser = current.user;
    res.locals.currentRole = current.role;
    res.locals.navLinks = navigationFor(current.role, current.creator !== null && current.creator !== undefined);
    res.locals.currentPath = req.path;
    next();
  };
}
