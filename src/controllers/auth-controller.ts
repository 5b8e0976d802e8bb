/**
 * Sign in with Whop: start (redirect to Whop), callback (finish and open a fresh session),
 * logout (revoke at Whop, end the session everywhere). Failures the user caused render the
 * login page with a message; they never show a stack trace or a 500.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { SignInError } from '../services/auth/auth-errors.ts';
import { ServiceUnavailableError, errorMessage } from '../domain/app-errors.ts';
import { safeReturnTo } from '../services/return-to.ts';
import type { SignInService } from '../services/auth/sign-in-service.ts';
import type { SessionTokenVault } from '../sessions/session-token-vault.ts';
import type { WhopOidcClient } from '../services/whop/whop-oidc-client.ts';
import { destroySession, regenerateSession, saveSession } from '../sessions/session-lifecycle.ts';
import { sessionCookieName } from '../sessions/session-middleware.ts';
import { limitAnonymousSession } from '../sessions/anonymous-session-lifetime.ts';
import type { CreatorTierService } from '../services/tiers/creator-tier-service.ts';
import { PATHS } from '../http/route-paths.ts';

export interface AuthControllerDeps {
  config: Readonly<Config>;
  signIn: SignInService;
  vault: SessionTokenVault;
  oidc: WhopOidcClient;
  tiers: CreatorTierService;
  logger: Logger;
}

function renderLogin(res: Response, status: number, message: string): void {
  res.status(status).render('pages/login', { title: 'Sign in', loginHref: PATHS.login, message });
}

export function authController(deps: AuthControllerDeps) {
  const login: RequestHandler = async (req, res) => {
    try {
      const started = await deps.signIn.start(safeReturnTo(req.query.returnTo));
      req.session.pendingLogins = deps.signIn.remember(req.session.pendingLogins, started.state, started.pending);
      // A session started here to sign in lives 10 minutes, a signed-in one keeps its lifetime.
      limitAnonymousSession(req.session);
      await saveSession(req);
      res.redirect(302, started.authorizationUrl.href);
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds ?? 5));
        return renderLogin(res, 503, error.message);
      }
      throw error;
    }
  };

  const callback: RequestHandler = async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    try {
      const pending = deps.signIn.checkCallback(req.query, req.session.pendingLogins);
      // Single use: the state is spent before the code is exchanged.
      delete req.session.pendingLogins?.[state];
      await saveSession(req);
      const { user, bundle } = await deps.signIn.complete(new URL(req.originalUrl, deps.config.appUrl), state, pending);
      await regenerateSession(req);
      req.session.userId = user.id;
      req.session.whopUserId = user.whopUserId;
      req.session.absoluteExpiresAt = Date.now() + deps.config.sessionMaxAgeDays * 24 * 60 * 60 * 1000;
      req.session.csrfToken = randomBytes(32).toString('base64url');
      deps.vault.seal(req, bundle);
      await saveSession(req);
      deps.logger.info({ userId: user.id, whopUserId: user.whopUserId }, 'signed in');
      await deps.tiers
        .refreshAtSignIn(user)
        .catch((error: unknown) =>
          deps.logger.warn({ err: { message: errorMessage(error) } }, 'tier refresh at sign-in failed'),
        );
      res.redirect(302, pending.returnTo ?? '/dashboard');
    } catch (error) {
      if (error instanceof SignInError) return renderLogin(res, error.status, error.message);
      if (error instanceof ServiceUnavailableError) return renderLogin(res, 503, error.message);
      throw error;
    }
  };

  const logout: RequestHandler = async (req: Request, res: Response) => {
    if (req.session.whopTokens) {
      try {
        const { refreshToken } = deps.vault.open(req);
        if (refreshToken) await deps.oidc.revoke(refreshToken);
      } catch (error) {
        deps.logger.warn(
          { userId: req.session.userId, err: { message: errorMessage(error) } },
          'could not revoke whop token at sign-out',
        );
      }
    }
    const userId = req.session.userId;
    await destroySession(req);
    res.clearCookie(sessionCookieName(deps.config), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.isProduction,
    });
    deps.logger.info({ userId }, 'signed out');
    res.redirect(302, '/');
  };

  return { login, callback, logout };
}
