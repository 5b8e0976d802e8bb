/** `/oauth/userinfo`: the signed-in user's claims for a Bearer access token (RFC 6750). */
import type { Request, Response } from 'express';
import type { AccessTokenResolver, UserDirectory } from '../sandbox-contracts.ts';
import { InvalidTokenError } from './oidc-errors.ts';
import { userClaims } from './scope-claims.ts';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export type UserinfoHandler = (req: Request, res: Response) => void;

export function createUserinfoController(deps: { tokens: AccessTokenResolver; users: UserDirectory }): UserinfoHandler {
  const { tokens, users } = deps;

  return function userinfo(req: Request, res: Response): void {
    const header = req.get('authorization');
    if (header === undefined) throw new InvalidTokenError('a Bearer access token is required', undefined);
    const token = BEARER.exec(header)?.[1];
    const info = token === undefined ? undefined : tokens.resolveAccessToken(token);
    const user = info === undefined ? undefined : users.getUser(info.userId);
    if (!info || !user) throw new InvalidTokenError('the access token is invalid, expired or revoked');
    res.set('Cache-Control', 'no-store').json({ sub: user.id, ...userClaims(user, info.scope) });
  };
}
