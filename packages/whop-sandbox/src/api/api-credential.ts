/**
 * Bearer authentication of `/api/v1`: the app's API key (sees every company) or a user
 * access token issued by the sandbox's OIDC provider (sees only that user's own data).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenResolver } from '../sandbox-contracts.ts';
import { UnauthorizedError } from '../sandbox-errors.ts';

export type ApiCredential =
  { kind: 'app'; rateLimitKey: string } | { kind: 'user'; userId: string; rateLimitKey: string };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function authenticateApi(deps: { apiKey: string; tokens: AccessTokenResolver }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      next(new UnauthorizedError('Send an Authorization: Bearer <API key or access token> header.'));
      return;
    }
    const token = match[1];
    if (sameSecret(token, deps.apiKey)) {
      res.locals.credential = { kind: 'app', rateLimitKey: 'app' } satisfies ApiCredential;
      next();
      return;
    }
    const info = deps.tokens.resolveAccessToken(token);
    if (!info) {
      next(
        new UnauthorizedError('The bearer token is not a valid API key or access token (unknown, expired or revoked).'),
      );
      return;
    }
    // The limiter is keyed by a digest of the token, never the token itself.
    const rateLimitKey = `token:${digest(token).toString('base64url').slice(0, 22)}`;
    res.locals.credential = { kind: 'user', userId: info.userId, rateLimitKey } satisfies ApiCredential;
    next();
  };
}

export function credentialOf(res: Response): ApiCredential {
  const credential = res.locals.credential as ApiCredential | undefined;
  if (!credential) throw new UnauthorizedError();
  return credential;
}
