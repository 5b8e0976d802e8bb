/** Route guards: pages send strangers to the login page, JSON routes answer 401; admins only where admins belong. */
import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../domain/app-errors.ts';
import type { UserContext } from '../services/role-service.ts';

export function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

export const requireAuth: RequestHandler = (req, res, next) => {
  if (req.currentUser) return next();
  if (wantsJson(req)) throw new UnauthenticatedError();
  const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(302, `/login${returnTo}`);
};

export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (req.currentUser?.role !== 'admin') throw new ForbiddenError('This page is for Chronos administrators.');
  next();
};

/** The signed-in user of a request that passed `requireAuth`. */
export function signedIn(req: Request): UserContext {
  if (!req.currentUser) throw new UnauthenticatedError();
  return req.currentUser;
}
