/**
 * Synchronizer-token CSRF protection. A token lives in the session; forms send it in the
 * hidden `_csrf` field, JSON requests in the `x-csrf-token` header. Any state-changing request
 * of a signed-in user without the session's token is refused with 403 before it reaches a
 * controller. (Every state-changing route requires sign-in, so strangers meet its guard.)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from '../domain/app-errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's CSRF token, made on first use. */
export function csrfTokenFor(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const csrfProtection: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) {
    if (req.currentUser) res.locals.csrfToken = csrfTokenFor(req);
    return next();
  }
  // Strangers have nothing to forge; the route's guard answers them (401 or the login page).
  if (!req.currentUser) return next();
  const body = req.body as Record<string, unknown> | undefined;
  const given = req.get('x-csrf-token') ?? body?._csrf;
  if (!sameToken(given, req.session?.csrfToken)) {
    throw new ForbiddenError(
      'This form has expired or was sent from another site. Please reload the page and try again.',
    );
  }
  res.locals.csrfToken = req.session.csrfToken;
  next();
};

/**
 * For endpoints driven by scripts (tus uploads): the token must come in the `x-csrf-token`
 * header on every request, reads (HEAD) included, since an upload's offset and existence are
 * the creator's business too. A signed-in user is required before this runs.
 */
export const requireCsrfHeader: RequestHandler = (req, _res, next) => {
  if (!sameToken(req.get('x-csrf-token'), req.session?.csrfToken))
    throw new ForbiddenError('This upload was refused: reload the page and try again.');
  next();
};
