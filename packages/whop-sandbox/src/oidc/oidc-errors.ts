/**
 * Typed errors of the OIDC provider, one class per way the error reaches the client:
 * as RFC 6749 §5.2 JSON (token and revocation endpoints), as a redirect back to the
 * client (RFC 6749 §4.1.2.1), as an HTML page (the redirect URI can't be trusted),
 * or as an RFC 6750 Bearer challenge (userinfo).
 */

export type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'server_error';

/** Answered as `{error, error_description}` JSON by the token and revocation endpoints. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;

  constructor(code: OAuthErrorCode, description: string, status = 400) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = status;
  }
}

/** Client authentication failed (401); `viaBasic` asks for a `WWW-Authenticate: Basic` challenge. */
export class InvalidClientError extends OAuthError {
  readonly viaBasic: boolean;

  constructor(description: string, viaBasic: boolean) {
    super('invalid_client', description, 401);
    this.name = 'InvalidClientError';
    this.viaBasic = viaBasic;
  }
}

export type AuthorizationErrorCode =
  'invalid_request' | 'unsupported_response_type' | 'invalid_scope' | 'access_denied' | 'login_required';

/** Told to the client by redirecting to its (already verified) redirect URI. */
export class AuthorizationRedirectError extends Error {
  readonly code: AuthorizationErrorCode;
  readonly redirectUri: string;
  readonly state: string | undefined;

  constructor(code: AuthorizationErrorCode, description: string, redirectUri: string, state: string | undefined) {
    super(description);
    this.name = 'AuthorizationRedirectError';
    this.code = code;
    this.redirectUri = redirectUri;
    this.state = state;
  }
}

/** Shown to the user as a page and never redirected (unknown client, wrong redirect URI, stale request). */
export class AuthorizationPageError extends Error {
  readonly title: string;
  readonly status: number;

  constructor(title: string, message: string, status = 400) {
    super(message);
    this.name = 'AuthorizationPageError';
    this.title = title;
    this.status = status;
  }
}

/** RFC 6750 §3.1: a missing (`code` undefined) or unusable bearer token at a protected resource. */
export class InvalidTokenError extends Error {
  readonly code: 'invalid_token' | undefined;

  constructor(description: string, code: 'invalid_token' | undefined = 'invalid_token') {
    super(description);
    this.name = 'InvalidTokenError';
    this.code = code;
  }
}

/** The stored signing key file exists but can't be used. */
export class SigningKeyFileError extends Error {
  constructor(file: string, reason: string) {
    super(`OIDC signing key file ${file} is unusable: ${reason}`);
    this.name = 'SigningKeyFileError';
  }
}
