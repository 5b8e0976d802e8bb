/** HTTP side of `/oauth/token` and `/oauth/revoke` (RFC 6749 §3.2, RFC 7009). */
import type { Request, Response } from 'express';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { authenticateClient } from './client-authenticator.ts';
import type { ClientAuthMethod } from './client-authenticator.ts';
import { OAuthError } from './oidc-errors.ts';
import {
  authorizationCodeGrantSchema,
  bodyRecord,
  parseTokenRequest,
  refreshTokenGrantSchema,
  revocationRequestSchema,
} from './oidc-request-schemas.ts';
import type { TokenResponse, TokenService } from './token-service.ts';

export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export interface TokenController {
  token(req: Request, res: Response): Promise<void>;
  revoke(req: Request, res: Response): Promise<void>;
}

export function createTokenController(deps: {
  tokens: TokenService;
  app: SandboxAppRegistration;
  /** The app's current `token_endpoint_auth_method` (it can change while the sandbox runs). */
  authMethod: () => ClientAuthMethod;
}): TokenController {
  const { tokens, app } = deps;

  function authenticate(req: Request, body: Record<string, unknown>): string {
    return authenticateClient({ authorization: req.get('authorization'), body }, app, deps.authMethod());
  }

  async function grant(clientId: string, body: Record<string, unknown>): Promise<TokenResponse> {
    const grantType = body.grant_type;
    switch (grantType) {
      case 'authorization_code': {
        const params = parseTokenRequest(authorizationCodeGrantSchema, body);
        return tokens.exchangeCode(clientId, {
          code: params.code,
          redirectUri: params.redirect_uri,
          codeVerifier: params.code_verifier,
        });
      }
      case 'refresh_token': {
        const params = parseTokenRequest(refreshTokenGrantSchema, body);
        return tokens.refresh(clientId, params.refresh_token, params.scope);
      }
      default:
        if (typeof grantType === 'string') {
          throw new OAuthError('unsupported_grant_type', 'supported: authorization_code, refresh_token');
        }
        throw new OAuthError('invalid_request', 'grant_type is required');
    }
  }

  return {
    async token(req, res) {
      const body = bodyRecord(req.body);
      const clientId = authenticate(req, body);
      const response = await grant(clientId, body);
      res.set(NO_STORE_HEADERS).json(response);
    },

    async revoke(req, res) {
      const body = bodyRecord(req.body);
      const clientId = authenticate(req, body);
      const { token } = parseTokenRequest(revocationRequestSchema, body);
      tokens.revoke(clientId, token);
      res.set(NO_STORE_HEADERS).status(200).end();
    },
  };
}
