/**
 * The two halves of Sign in with Whop. `start` makes a single-use state, nonce and PKCE
 * verifier and the authorization URL; `complete` exchanges the code, validates the id token,
 * reads userinfo for the same subject and records the user.
 */
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { SignInError } from './auth-errors.ts';
import { ServiceUnavailableError } from '../../domain/app-errors.ts';
import type { WhopOidcClient } from '../whop/whop-oidc-client.ts';
import { bundleFromTokenResponse, type TokenBundle } from '../whop/token-bundle.ts';
import { WhopIdentityError } from '../whop/whop-errors.ts';
import type { UserService } from '../user-service.ts';
import type { CreatorAccessService } from '../creator-access-service.ts';
import type { User } from '../../models/user-model.ts';

/** A sign-in under way, kept in the session between the redirect to Whop and the callback. */
export interface PendingLogin {
  nonce: string;
  codeVerifier: string;
  returnTo: string | undefined;
  /** Epoch ms after which this sign-in attempt is refused. */
  expiresAt: number;
}

export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING_LOGINS = 5;

export interface SignInStart {
  state: string;
  pending: PendingLogin;
  authorizationUrl: URL;
}

const PROVIDER_MESSAGES: Record<string, string> = {
  access_denied: 'You declined the request on Whop, so you are not signed in.',
  login_required: 'Whop asked you to sign in first. Please try again.',
  consent_required: 'Whop needs your approval to sign you in. Please try again.',
  temporarily_unavailable: 'Whop is busy right now. Please try again in a moment.',
  server_error: 'Whop could not complete the sign-in. Please try again.',
};

export function createSignInService(deps: {
  oidc: WhopOidcClient;
  users: UserService;
  /** Re-checks that a creator's owner still administers their company on Whop (best effort). */
  creatorAccess?: Pick<CreatorAccessService, 'recheckAtSignIn'>;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return {
    async start(returnTo: string | undefined): Promise<SignInStart> {
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const authorizationUrl = await deps.oidc.authorizationUrl({
        state,
        nonce,
        codeChallenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      });
      return {
        state,
        pending: { nonce, codeVerifier, returnTo, expiresAt: now() + PENDING_LOGIN_TTL_MS },
        authorizationUrl,
      };
    },

    /** Adds a pending sign-in to the session's list, keeping the newest few. */
    remember(
      pendings: Record<string, PendingLogin> | undefined,
      state: string,
      pending: PendingLogin,
    ): Record<string, PendingLogin> {
      const live = Object.entries(pendings ?? {}).filter(([, p]) => p.expiresAt > now());
      return Object.fromEntries([...live.slice(-(MAX_PENDING_LOGINS - 1)), [state, pending]]);
    },

    /** Checks what Whop sent back before anything is exchanged; returns the pending sign-in for this state. */
    checkCallback(query: Record<string, unknown>, pendings: Record<string, PendingLogin> | undefined): PendingLogin {
      const state = typeof query.state === 'string' ? query.state : undefined;
      const pending = state ? pendings?.[state] : undefined;
      if (typeof query.error === 'string') {
        throw new SignInError(PROVIDER_MESSAGES[query.error] ?? 'Whop could not sign you in. Please try again.');
      }
      if (!pending)
        throw new SignInError(
          'This sign-in link is not valid any more (it was used already or came from another browser). Please sign ' +
            'in again.',
        );
      if (pending.expiresAt <= now()) throw new SignInError('The sign-in took too long. Please try again.');
      return pending;
    },

    async complete(
      callbackUrl: URL,
      state: string,
      pending: PendingLogin,
    ): Promise<{ user: User; bundle: TokenBundle }> {
      let tokens;
      try {
        tokens = await deps.oidc.exchangeCode(callbackUrl, {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
        });
      } catch (error) {
        if (error instanceof ServiceUnavailableError) throw error;
        const reason =
          error instanceof WhopIdentityError
            ? error.reason
            : ((error as { error?: unknown; code?: unknown }).error ??
              (error as { code?: unknown }).code ??
              (error as Error).name);
        deps.logger.warn({ reason: String(reason) }, 'whop code exchange refused');
        if (reason === 'invalid_grant')
          throw new SignInError('This sign-in was already used or has expired. Please sign in again.');
        if ((error as Error).name === 'TypeError' || reason === 'OAUTH_TIMEOUT')
          throw new ServiceUnavailableError('Whop is not reachable right now. Please try again in a moment.', 5);
        throw new SignInError('Whop’s answer could not be verified, so you are not signed in. Please try again.');
      }
      const claims = tokens.claims();
      if (!claims) throw new SignInError('Whop did not identify you. Please try again.');
      let identity;
      try {
        identity = await deps.oidc.userInfo(tokens.access_token, claims.sub);
      } catch (error) {
        if (!(error instanceof WhopIdentityError)) throw error;
        deps.logger.warn({ reason: error.reason }, 'whop userinfo refused');
        throw new SignInError(
          'Whop’s answers about who you are do not agree, so you are not signed in. Please try again.',
        );
      }
      const user = await deps.users.recordSignIn(identity, new Date(now()));
      // Rights change on Whop: an owner who is no longer an admin loses the creator here (never fails the sign-in).
      await deps.creatorAccess?.recheckAtSignIn(user);
      return { user, bundle: bundleFromTokenResponse(tokens, now()) };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
