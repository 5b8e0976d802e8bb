/**
 * The creator API's only way in: `Authorization: Bearer chr_…`. Session cookies are never read
 * on `/api/v1` (its router is mounted before the session middleware), so a browser's sign-in
 * cannot act through the API, and no request there can be forged from another site with it.
 */
import type { Request, RequestHandler } from 'express';
import type { ApiTokenService, TokenHolder } from '../services/api-tokens/api-token-service.ts';
import { ApiTokenError, InsufficientScopeError } from '../services/api-tokens/api-token-errors.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      apiCaller?: TokenHolder;
    }
  }
}

/** RFC 6750's error names for the `WWW-Authenticate` header. */
function bearerChallenge(error: ApiTokenError): string {
  return error.code === 'missing_token' ? 'Bearer realm="chronos"' : 'Bearer realm="chronos", error="invalid_token"';
}

export function requireApiToken(tokens: Pick<ApiTokenService, 'authenticate' | 'markUsed'>): RequestHandler {
  return async (req, res, next) => {
    try {
      req.apiCaller = await tokens.authenticate(req.get('authorization'));
    } catch (error) {
      if (error instanceof ApiTokenError) res.setHeader('WWW-Authenticate', bearerChallenge(error));
      throw error;
    }
    await tokens.markUsed(req.apiCaller.token);
    next();
  };
}

/** The caller of a request that passed `requireApiToken`. */
export function apiCallerOf(req: Request): TokenHolder {
  if (!req.apiCaller) throw new ApiTokenError('missing_token', 'Send an API token in the Authorization header.');
  return req.apiCaller;
}

/** Writes need a token created with the write scope; read-only tokens get 403 `insufficient_scope`. */
export const requireWriteScope: RequestHandler = (req, res, next) => {
  if (apiCallerOf(req).token.scope === 'write') return next();
  res.setHeader('WWW-Authenticate', 'Bearer realm="chronos", error="insufficient_scope", scope="write"');
  throw new InsufficientScopeError(
    'This token is read-only. Create a token with the write scope on your API settings page to change data.',
  );
};
