/**
 * Keeps a session's Whop tokens: sealed with the TokenCipher into the session, opened for a
 * call to Whop, and refreshed shortly before they expire. Whop rotates refresh tokens, so a
 * session refreshes under its lock, and a request that waited re-reads the bundle that the
 * first one stored instead of spending the old refresh token again.
 */
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { Logger } from 'pino';
import { SessionEndedError } from '../services/auth/auth-errors.ts';
import { ServiceUnavailableError, errorMessage } from '../domain/app-errors.ts';
import type { LockService } from '../infra/locks/lock-service.ts';
import { TokenDecryptionError, type TokenCipher } from '../services/whop/token-cipher.ts';
import { bundleFromTokenResponse, type TokenBundle } from '../services/whop/token-bundle.ts';
import type { WhopOidcClient } from '../services/whop/whop-oidc-client.ts';
import { sessionLockKey, type TokenSafeSessionStore } from './token-safe-session-store.ts';

export interface SessionTokenVaultDeps {
  cipher: TokenCipher;
  oidc: WhopOidcClient;
  locks: LockService;
  store: TokenSafeSessionStore;
  logger: Logger;
  /** Refresh when the access token expires within this window. */
  refreshMarginMs?: number;
  now?: () => number;
}

export class SessionTokenVault {
  private readonly margin: number;
  private readonly now: () => number;

  constructor(private readonly deps: SessionTokenVaultDeps) {
    this.margin = deps.refreshMarginMs ?? 60_000;
    this.now = deps.now ?? Date.now;
  }

  seal(req: Request, bundle: TokenBundle): void {
    const owner = this.owner(req);
    req.session.whopTokens = this.deps.cipher.encrypt(JSON.stringify(bundle), owner);
    req.session.whopTokensGen = (req.session.whopTokensGen ?? 0) + 1;
  }

  open(req: Request): TokenBundle {
    const envelope = req.session.whopTokens;
    if (!envelope) throw new SessionEndedError();
    try {
      return JSON.parse(this.deps.cipher.decrypt(envelope, this.owner(req))) as TokenBundle;
    } catch (error) {
      if (error instanceof TokenDecryptionError) {
        this.deps.logger.warn(
          { reason: error.message, userId: req.session.userId },
          'token envelope rejected; ending session',
        );
        throw new SessionEndedError('Your session could not be verified. Please sign in again.');
      }
      throw error;
    }
  }

  private owner(req: Request): string {
    const owner = req.session.whopUserId;
    if (!owner) throw new SessionEndedError();
    return owner;
  }

  private isFresh(bundle: TokenBundle): boolean {
    return bundle.expiresAt - this.now() > this.margin;
  }

  /** A Whop access token for this session that is valid for at least the margin, refreshing if needed. */
  async accessToken(req: Request): Promise<string> {
    const bundle = this.open(req);
    if (this.isFresh(bundle)) return bundle.accessToken;
    return this.deps.locks.withLock(sessionLockKey(req.sessionID), async () => {
      const stored = await this.deps.store.read(req.sessionID);
      if (stored?.whopTokens && (stored.whopTokensGen ?? 0) > (req.session.whopTokensGen ?? 0)) {
        req.session.whopTokens = stored.whopTokens;
        req.session.whopTokensGen = stored.whopTokensGen;
        const adopted = this.open(req);
        if (this.isFresh(adopted)) return adopted.accessToken;
      }
      return this.refreshHoldingLock(req);
    });
  }

  private async refreshHoldingLock(req: Request): Promise<string> {
    const current = this.open(req);
    if (!current.refreshToken) throw new SessionEndedError();
    let response;
    try {
      response = await this.deps.oidc.refresh(current.refreshToken);
    } catch (error) {
      const oauthError = (error as { error?: unknown }).error;
      if (typeof oauthError !== 'string') {
        this.deps.logger.warn(
          { userId: req.session.userId, err: { message: errorMessage(error) } },
          'whop token refresh failed',
        );
        throw new ServiceUnavailableError('Whop is not reachable right now. Please try again in a moment.', 5);
      }
      this.deps.logger.info(
        { userId: req.session.userId, reason: oauthError },
        'whop token refresh refused; ending session',
      );
      throw new SessionEndedError();
    }
    const next = bundleFromTokenResponse(response, this.now(), current);
    this.seal(req, next);
    await this.deps.store.writeHoldingLock(req.sessionID, req.session as unknown as SessionData);
    this.deps.logger.info({ userId: req.session.userId }, 'whop tokens refreshed');
    return next.accessToken;
  }
}
