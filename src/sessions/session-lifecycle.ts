/**
 * Promise forms of express-session's callback methods (Express 5 cannot catch errors thrown
 * inside their callbacks), and the absolute session lifetime check.
 */
import type { Request, RequestHandler } from 'express';

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
}

/** Ends a session whose absolute lifetime (set at sign-in) has passed, whatever its activity. */
export function enforceAbsoluteLifetime(now: () => number = Date.now): RequestHandler {
  return async (req, _res, next) => {
    const limit = req.session?.absoluteExpiresAt;
    if (limit !== undefined && now() > limit) {
      await regenerateSession(req);
      req.session.flash = 'Your session has ended. Please sign in again.';
    }
    next();
  };
}
