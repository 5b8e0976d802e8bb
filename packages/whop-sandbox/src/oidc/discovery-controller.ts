/** `/.well-known/openid-configuration` and `/.well-known/jwks.json`. */
import type { Request, Response } from 'express';
import type { JWK } from 'jose';
import { SIGNING_ALG } from './oidc-signing-key.ts';
import { SUPPORTED_CLAIMS, SUPPORTED_SCOPES } from './scope-claims.ts';

export function discoveryDocument(issuer: string): Record<string, unknown> {
  // Supported by the server; the registered app uses one of them (its token_endpoint_auth_method).
  const authMethods = ['client_secret_post', 'client_secret_basic', 'none'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    scopes_supported: [...SUPPORTED_SCOPES],
    subject_types_supported: ['public'],
    claims_supported: [...SUPPORTED_CLAIMS],
    authorization_response_iss_parameter_supported: true,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

export interface DiscoveryController {
  configuration(req: Request, res: Response): void;
  jwks(req: Request, res: Response): void;
}

export function createDiscoveryController(deps: { issuer: string; publicJwk: JWK }): DiscoveryController {
  const configuration = discoveryDocument(deps.issuer);
  const jwks = { keys: [deps.publicJwk] };
  return {
    configuration(_req: Request, res: Response): void {
      res.set('Cache-Control', 'no-cache').json(configuration);
    },
    jwks(_req: Request, res: Response): void {
      res.set('Cache-Control', 'no-cache').json(jwks);
    },
  };
}
