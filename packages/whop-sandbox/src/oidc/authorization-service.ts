/**
 * The authorization endpoint's decisions: approve at once for a known `login_hint`,
 * otherwise park the request for the consent page; turn approvals into codes and
 * denials and failures into redirects back to the client.
 */
import type { Logger } from 'pino';
import type { SandboxAppRegistration, UserDirectory } from '../sandbox-contracts.ts';
import type { AuthorizationCodeStore } from './authorization-code-store.ts';
import { parseAuthorizationRequest } from './authorization-request-parser.ts';
import type { AuthorizationRequest, AuthorizationRequestStore } from './authorization-request-store.ts';
import { epochSeconds } from './oidc-clock.ts';
import type { Clock } from './oidc-clock.ts';
import { AuthorizationPageError, AuthorizationRedirectError } from './oidc-errors.ts';

export type AuthorizeOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'consent'; handle: string; request: AuthorizationRequest; problem?: string };

export interface AuthorizationServiceDeps {
  app: SandboxAppRegistration;
  issuer: string;
  users: UserDirectory;
  requests: AuthorizationRequestStore;
  codes: AuthorizationCodeStore;
  clock: Clock;
  logger: Logger;
}

export class AuthorizationService {
  readonly #deps: AuthorizationServiceDeps;

  constructor(deps: AuthorizationServiceDeps) {
    this.#deps = deps;
  }

  /** Handles the parameters of GET (or POST) /oauth/authorize. */
  begin(params: unknown): AuthorizeOutcome {
    const { request, loginHint, promptNone } = parseAuthorizationRequest(params, this.#deps.app);
    if (loginHint !== undefined && this.#deps.users.getUser(loginHint)) {
      return { kind: 'redirect', location: this.#approve(request, loginHint) };
    }
    if (promptNone) {
      throw new AuthorizationRedirectError(
        'login_required',
        'prompt=none needs a login_hint of a known user',
        request.redirectUri,
        request.state,
      );
    }
    return { kind: 'consent', handle: this.#deps.requests.save(request), request };
  }

  /** Applies the consent page's answer; an approval without a known user shows the page again. */
  decide(handle: string, decision: 'approve' | 'deny', userId: string | undefined): AuthorizeOutcome {
    const { requests, users, logger } = this.#deps;
    const pending = requests.peek(handle);
    if (!pending) {
      throw new AuthorizationPageError(
        'Sign-in request expired',
        'This sign-in request has expired or was already answered. Start again from the app.',
      );
    }
    if (decision === 'approve' && (userId === undefined || !users.getUser(userId))) {
      return { kind: 'consent', handle, request: pending, problem: 'Pick one of the users to sign in as.' };
    }
    requests.take(handle);
    if (decision === 'deny' || userId === undefined) {
      logger.info({ clientId: pending.clientId }, 'authorization denied by the user');
      return {
        kind: 'redirect',
        location: this.errorLocation(
          new AuthorizationRedirectError(
            'access_denied',
            'the user denied the request',
            pending.redirectUri,
            pending.state,
          ),
        ),
      };
    }
    return { kind: 'redirect', location: this.#approve(pending, userId) };
  }

  /** RFC 6749 §4.1.2.1 error response, with `iss` (RFC 9207). */
  errorLocation(error: AuthorizationRedirectError): string {
    return this.#location(error.redirectUri, {
      error: error.code,
      error_description: error.message,
      state: error.state,
    });
  }

  #approve(request: AuthorizationRequest, userId: string): string {
    const { codes, clock, logger } = this.#deps;
    const code = codes.issue({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      userId,
      scope: request.scope,
      nonce: request.nonce,
      authTime: epochSeconds(clock()),
    });
    logger.info({ clientId: request.clientId, userId }, 'authorization approved');
    return this.#location(request.redirectUri, { code, state: request.state });
  }

  #location(redirectUri: string, params: Record<string, string | undefined>): string {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    url.searchParams.set('iss', this.#deps.issuer);
    return url.toString();
  }
}
