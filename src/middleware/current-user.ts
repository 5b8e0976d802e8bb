/**
 * Loads the signed-in user and their role from the database on each request (a primary-key
 * read, the creator row and, for non-creators, one student lookup), so changes of role or tier
 * apply at once. A creator's tier older than the plan cache is refreshed in the background. A session whose user
 * row is gone is treated as signed out.
 */
import type { RequestHandler } from 'express';
import type { User } from '../models/user-model.ts';
import type { Role, RoleService } from '../services/role-service.ts';
import type { UserService } from '../services/user-service.ts';
import type { Creator } from '../models/creator-model.ts';
import type { CreatorTierService } from '../services/tiers/creator-tier-service.ts';

export interface CurrentUser {
  user: User;
  role: Role;
  /** The company this user runs on Chronos, if any. */
  creator: Creator | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      currentUser?: CurrentUser;
    }
  }
}

export function loadCurrentUser(deps: { users: UserService; roles: RoleService; tiers: CreatorTierService }): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId === undefined) return next();
    const user = await deps.users.findById(userId);
    if (!user || user.whopUserId !== req.session.whopUserId) {
      delete req.session.userId;
      return next();
    }
    const current = { user, ...(await deps.roles.contextOf(user)) };
    if (current.creator) deps.tiers.refreshIfStale(current.creator, user.whopUserId);
    req.currentUser = current;
    res.locals.currentUser = user;
    res.locals.currentRole = current.role;
    next();
  };
}
