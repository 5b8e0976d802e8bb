/**
 * A session that holds no signed-in user lives 10 minutes (rolling), not the 30 days of a
 * signed-in one. Such a session only carries a sign-in in progress (`pendingLogins`: state,
 * nonce, PKCE verifier, themselves valid 10 minutes) or a one-time message; with the full
 * lifetime, every anonymous `GET /api/whop/auth/login` left a 30-day entry in Redis, so a
 * flood of them could fill it. The cookie's `maxAge` sets both the browser cookie and the
 * store's TTL (Redis and the in-process store read the cookie's expiry). Signing in
 * regenerates the session, and the new one gets the full lifetime.
 */
import type { RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';

export const ANONYMOUS_SESSION_MS = 10 * 60 * 1000;

/** Shortens `session` to the anonymous lifetime unless a user is signed in to it. */
export function limitAnonymousSession(session: Session & Partial<SessionData>): void {
  if (session.userId === undefined) session.cookie.maxAge = ANONYMOUS_SESSION_MS;
}

/** Applies `limitAnonymousSession` to each request's session, new or loaded. */
export function anonymousSessionLifetime(): RequestHandler {
  return (req, _res, next) => {
    if (req.session) limitAnonymousSession(req.session);
    next();
  };
}
