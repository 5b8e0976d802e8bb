/**
 * Checks the parameters of `/oauth/authorize`. Client and redirect URI come first: while
 * either is wrong nothing may be redirected, so those failures are pages. Every later
 * failure goes back to the (now trusted) redirect URI per RFC 6749 §4.1.2.1.
 */
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import type { AuthorizationRequest } from './authorization-request-store.ts';
import { AuthorizationPageError, AuthorizationRedirectError } from './oidc-errors.ts';
import type { AuthorizationErrorCode } from './oidc-errors.ts';
import { parseScope } from './scope-claims.ts';

/** S256 of a verifier: 32 bytes, base64url without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const SINGLE_VALUED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'login_hint',
  'prompt',
] as const;

export interface ParsedAuthorizationRequest {
  request: AuthorizationRequest;
  loginHint: string | undefined;
  /** `prompt=none`: the user may not be shown a page. */
  promptNone: boolean;
}

export function parseAuthorizationRequest(rawParams: unknown, app: SandboxAppRegistration): ParsedAuthorizationRequest {
  const params = typeof rawParams === 'object' && rawParams !== null ? (rawParams as Record<string, unknown>) : {};
  const text = (name: string): string | undefined => {
    const value = params[name];
    return typeof value === 'string' ? value : undefined;
  };

  if (text('client_id') !== app.clientId) {
    throw new AuthorizationPageError(
      'Unknown application',
      'The client_id of this sign-in request is missing or is not the app registered in the sandbox.',
    );
  }
  const redirectUri = text('redirect_uri');
  if (redirectUri !== app.redirectUri) {
    throw new AuthorizationPageError(
      'Redirect URI not allowed',
      `The redirect_uri of this sign-in request is missing or does not exactly match the registered one (${app.redirectUri}).`,
    );
  }
  const state = text('state');
  const fail = (code: AuthorizationErrorCode, description: string): never => {
    throw new AuthorizationRedirectError(code, description, redirectUri, state);
  };

  const repeated = SINGLE_VALUED.filter((name) => params[name] !== undefined && typeof params[name] !== 'string');
  if (repeated.length > 0) fail('invalid_request', `parameter repeated or malformed: ${repeated.join(', ')}`);

  const responseType = text('response_type');
  if (responseType === undefined) fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') fail('unsupported_response_type', 'only response_type=code is supported');

  const codeChallenge = text('code_challenge');
  if (text('code_challenge_method') !== 'S256')
    fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  if (codeChallenge === undefined || !S256_CHALLENGE.test(codeChallenge)) {
    fail('invalid_request', 'code_challenge is missing or is not an S256 challenge');
  }

  const scope = parseScope(text('scope') ?? '');
  if (!scope.ok) return fail('invalid_scope', scope.problem);

  return {
    request: {
      clientId: app.clientId,
      redirectUri: app.redirectUri,
      scope: scope.scope,
      state,
      nonce: text('nonce'),
      codeChallenge: codeChallenge ?? '',
    },
    loginHint: text('login_hint'),
    promptNone: (text('prompt') ?? '').split(' ').includes('none'),
  };
}
