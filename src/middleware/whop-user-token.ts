/**
 * The embedded (Whop App) surface's authentication: no session and no cookie, but Whop's
 * `x-whop-user-token` on every request, verified (user-token-verifier.ts) and turned into the
 * same `req.currentUser` the external pages use, so every rule downstream is the same. State
 * changes carry a CSRF token bound to the user and the experience (or company) in
 * `x-csrf-token` (a `sendBeacon` body, which cannot set headers, in `_csrf`).
 */
import type { Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../domain/app-errors.ts';
import type { EmbeddedViewerService } from '../services/whop-app/embedded-viewer-service.ts';
import type { EmbeddedSignatures } from '../services/whop-app/embedded-signatures.ts';
import { USER_TOKEN_HEADER, type UserTokenVerifier } from '../services/whop/user-token-verifier.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      /** Set on embedded requests: the Whop user the verified token names. */
      whopAppUser?: { whopUserId: string };
    }
  }
}

export function hasUserToken(req: Request): boolean {
  return req.get(USER_TOKEN_HEADER) !== undefined;
}

type AuthenticationDeps = { verifier: UserTokenVerifier; viewers: Pick<EmbeddedViewerService, 'contextOf'> };

/** Verifies the request's user token and makes its user the request's signed-in user. */
export async function signInFromUserToken(req: Request, res: Response, deps: AuthenticationDeps): Promise<string> {
  const { whopUserId } = await deps.verifier.verify(req.get(USER_TOKEN_HEADER));
  const context = await deps.viewers.contextOf(whopUserId);
  if (!context) throw new UnauthenticatedError();
  req.whopAppUser = { whopUserId };
  req.currentUser = context;
  res.locals.currentUser = context.user;
  res.locals.currentRole = context.role;
  return whopUserId;
}

export function authenticateWhopUser(deps: AuthenticationDeps): RequestHandler {
  return async (req, res, next) => {
    await signInFromUserToken(req, res, deps);
    next();
  };
}

/**
 * CSRF for the embedded surface: reads pass and get the token (`res.locals.csrfToken`) for
 * their page; anything else needs it. `scopeOf` names what the token is bound to.
 */
export function embeddedCsrf(signatures: EmbeddedSignatures, scopeOf: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    const user = req.whopAppUser;
    if (!user) throw new UnauthenticatedError();
    const scope = scopeOf(req);
    if (!SAFE_METHODS.has(req.method)) {
      const body = req.body as Record<string, unknown> | undefined;
      const given = req.get('x-csrf-token') ?? body?._csrf;
      if (!signatures.verifyCsrf(given, user.whopUserId, scope))
        throw new ForbiddenError('This request was refused: reload the page in Whop and try again.');
      res.locals.embeddedCsrfChecked = true;
    }
    res.locals.csrfToken = signatures.csrfToken(user.whopUserId, scope);
    next();
  };
}

export const experienceScope = (experienceId: string) => `experience:${experienceId}`;
export const companyScope = (companyId: string) => `company:${companyId}`;
