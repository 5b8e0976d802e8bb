/**
 * Error handlers of the provider, one per surface: HTML pages for the authorization
 * endpoint, RFC 6749 / RFC 6750 JSON for the rest. They are attached to each route, so
 * they never see errors of the app that mounts the router.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AuthorizationPageError, InvalidClientError, InvalidTokenError, OAuthError } from './oidc-errors.ts';
import { renderOidcPage } from './oidc-views.ts';

const REALM = 'whop-sandbox';

export type OidcSurface = 'page' | 'json';

export function createOidcErrorHandler(surface: OidcSurface, logger: Logger): ErrorRequestHandler {
  return async (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const clientError = requestError(err);
    if (surface === 'page') {
      const pageError =
        err instanceof AuthorizationPageError
          ? err
          : clientError
            ? new AuthorizationPageError('Bad request', 'The request could not be read.', clientError.status)
            : undefined;
      if (!pageError) logUnexpected(logger, err, req.method, req.path);
      await renderOidcPage(res, pageError?.status ?? 500, 'error', {
        title: pageError?.title ?? 'Something went wrong',
        message: pageError?.message ?? 'The sandbox could not handle this sign-in request.',
      });
      return;
    }
    if (err instanceof InvalidTokenError) {
      const challenge =
        err.code === undefined
          ? `Bearer realm="${REALM}"`
          : `Bearer realm="${REALM}", error="${err.code}", error_description="${err.message}"`;
      res.set('WWW-Authenticate', challenge);
      sendOAuthError(res, 401, 'invalid_token', err.message);
      return;
    }
    if (err instanceof InvalidClientError && err.viaBasic) {
      res.set('WWW-Authenticate', `Basic realm="${REALM}"`);
    }
    if (err instanceof OAuthError) {
      sendOAuthError(res, err.status, err.code, err.message);
      return;
    }
    if (clientError) {
      sendOAuthError(res, clientError.status, 'invalid_request', 'the request body could not be read');
      return;
    }
    logUnexpected(logger, err, req.method, req.path);
    sendOAuthError(res, 500, 'server_error', 'the sandbox could not handle the request');
  };
}

function sendOAuthError(res: Response, status: number, error: string, description: string): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
    .json({ error, error_description: description });
}

/** A body-parser style 4xx (bad JSON, too large, bad charset); such errors carry `status` and `type`. */
function requestError(err: unknown): { status: number } | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err) || !('type' in err)) return undefined;
  const status = err.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? { status } : undefined;
}

/** Logs name, message and stack only: request data (tokens, secrets) never reaches the log. */
function logUnexpected(logger: Logger, err: unknown, method: string, path: string): void {
  const error =
    err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
  logger.error({ err: error, method, path }, 'OIDC request failed');
}
