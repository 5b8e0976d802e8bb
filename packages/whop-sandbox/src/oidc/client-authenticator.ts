/**
 * Client authentication at the token and revocation endpoints, as the registered app's
 * `token_endpoint_auth_method` says (RFC 7591 names): `client_secret_post` (the default:
 * `client_id` and `client_secret` in the body), `client_secret_basic` (RFC 6749 §2.3.1,
 * form-urlencoded components in a Basic header), or `none` (a public client: `client_id` in
 * the body, no secret anywhere; PKCE, which the sandbox always requires, protects the code).
 * A request that uses another method than the configured one is refused with `invalid_client`.
 */
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { InvalidClientError, OAuthError } from './oidc-errors.ts';
import { safeEqual } from './token-crypto.ts';

export interface ClientCredentialsInput {
  /** The `Authorization` header, if any. */
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** Returns the authenticated client id or throws `InvalidClientError` / `OAuthError`. */
export function authenticateClient(
  input: ClientCredentialsInput,
  app: SandboxAppRegistration,
  method: ClientAuthMethod = 'client_secret_post',
): string {
  const basic = parseBasicCredentials(input.authorization);
  const bodyId = input.body.client_id;
  const bodySecret = input.body.client_secret;

  if (method === 'none') {
    if (basic || bodySecret !== undefined) {
      throw new InvalidClientError(
        'this client is public (token_endpoint_auth_method none): send client_id alone, no secret',
        Boolean(basic),
      );
    }
    if (typeof bodyId !== 'string') throw new InvalidClientError('client_id is required', false);
    if (!safeEqual(bodyId, app.clientId)) throw new InvalidClientError('client authentication failed', false);
    return app.clientId;
  }
  if (basic && basic !== 'malformed' && method === 'client_secret_post' && bodySecret === undefined) {
    throw new InvalidClientError(
      'this client authenticates with client_secret_post: send client_id and client_secret in the body',
      true,
    );
  }
  if (!basic && method === 'client_secret_basic') {
    throw new InvalidClientError(
      'this client authenticates with client_secret_basic: send an Authorization: Basic header',
      false,
    );
  }

  if (basic) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use only one client authentication method');
    }
    if (basic === 'malformed') throw new InvalidClientError('malformed Basic credentials', true);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
    }
    return verify(basic.clientId, basic.clientSecret, app, true);
  }
  if (typeof bodyId === 'string' && typeof bodySecret === 'string') {
    return verify(bodyId, bodySecret, app, false);
  }
  throw new InvalidClientError('client authentication is required', false);
}

function verify(clientId: string, clientSecret: string, app: SandboxAppRegistration, viaBasic: boolean): string {
  const idMatches = safeEqual(clientId, app.clientId);
  const secretMatches = safeEqual(clientSecret, app.clientSecret);
  if (!idMatches || !secretMatches) throw new InvalidClientError('client authentication failed', viaBasic);
  return app.clientId;
}

type BasicCredentials = { clientId: string; clientSecret: string };

function parseBasicCredentials(header: string | undefined): BasicCredentials | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return /^Basic(?:\s|$)/i.test(header) ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) return 'malformed';
  return { clientId, clientSecret };
}

/** application/x-www-form-urlencoded decoding of one component. */
function formDecode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
