/**
 * Promise forms of express-session's callback methods (Express 5 cannot catch errors thrown
 * inside their callbacks), the absolute session lifetime check and the idle expiry's refresh.
 */
import type { Request, RequestHandler } from 'express';
import type { TokenSafeSessionStore } from './token-safe-session-store.ts';
import { setFlash } from './flash.ts';

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())),
  );
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
      setFlash(req, 'Your session has ended. Please sign in again.', 'error');
    }
    next();
  };
}

/**
 * Rolls a signed-in session's idle expiry forward in the store (the cookie rolls on every
 * response through express-session's `rolling`). The store skips sessions refreshed in the last
 * minute. A failed refresh does not fail the page: the next request tries again.
 */
export function refreshSessionExpiry(store: TokenSafeSessionStore): RequestHandler {
  return (req, _res, next) => {
    if (req.session?.userId === undefined) return next();
    req.session.touch();
    store.refreshExpiry(req.sessionID, req.session).then(
      () => next(),
      () => next(),
    );
  };
}
