/**
 * Loads the signed-in user and their role from the database on each request (a primary-key
 * read plus the role's counts), so changes of role or tier apply at once. A session whose user
 * row is gone is treated as signed out.
 */
import type { RequestHandler } from 'express';
import type { User } from '../models/user-model.ts';
import type { Role, RoleService } from '../services/role-service.ts';
import type { UserService } from '../services/user-service.ts';

export interface CurrentUser {
  user: User;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      currentUser?: CurrentUser;
    }
  }
}

export function loadCurrentUser(deps: { users: UserService; roles: RoleService }): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId === undefined) return next();
    const user = await deps.users.findById(userId);
    if (!user || user.whopUserId !== req.session.whopUserId) {
      delete req.session.userId;
      return next();
    }
    const current = { user, role: await deps.roles.roleOf(user) };
    req.currentUser = current;
    res.locals.currentUser = user;
    res.locals.currentRole = current.role;
    next();
  };
}
