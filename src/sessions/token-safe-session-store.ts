/**
 * A session store decorator that keeps rotated Whop tokens safe from concurrent requests.
 * Every write of a session happens under that session's lock and keeps whichever token
 * bundle is newer (by `whopTokensGen`): a request that loaded the session before a token
 * refresh cannot roll the new refresh token back. Ended sessions are never written again.
 * Expiry refreshes of a busy session reach the inner store at most once a minute. A store that
 * cannot be reached fails with SessionStoreUnavailableError (session-store-errors.ts).
 *
 * It has no `touch` method on purpose: for a store with one, express-session holds back the last
 * byte of every unchanged response until the touch is done, so each page leaves in two writes.
 * `refreshSessionExpiry` (session-lifecycle.ts) refreshes the expiry before the page instead.
 */
import session, { type SessionData, type Store } from 'express-session';
import type { LockService } from '../infra/locks/lock-service.ts';
import type { EndedSessionRegistry } from './ended-session-registry.ts';
import { TouchThrottle } from './touch-throttle.ts';
import { asSessionStoreError } from './session-store-errors.ts';

type Callback<T = void> = (error?: unknown, value?: T) => void;

export function sessionLockKey(sid: string): string {
  return `session:${sid}`;
}

export class TokenSafeSessionStore extends session.Store {
  constructor(
    readonly inner: Store,
    private readonly locks: LockService,
    private readonly ended: EndedSessionRegistry,
    private readonly touches = new TouchThrottle(),
  ) {
    super();
  }

  /** The stored session, read straight from the inner store. */
  read(sid: string): Promise<SessionData | null> {
    return new Promise((resolve, reject) =>
      this.inner.get(sid, (error, value) => (error ? reject(error) : resolve(value ?? null))),
    );
  }

  /** Writes without taking the lock: only for callers that already hold `sessionLockKey(sid)`. */
  async writeHoldingLock(sid: string, sess: SessionData): Promise<void> {
    if (await this.ended.has(sid)) return;
    const stored = await this.read(sid);
    if (stored && (stored.whopTokensGen ?? 0) > (sess.whopTokensGen ?? 0)) {
      sess.whopTokens = stored.whopTokens;
      sess.whopTokensGen = stored.whopTokensGen;
    }
    await new Promise<void>((resolve, reject) =>
      this.inner.set(sid, sess, (error) => (error ? reject(error) : resolve())),
    );
    this.touches.refreshed(sid);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.inner.get(sid, (error, value) => (error ? callback(asSessionStoreError(error)) : callback(undefined, value)));
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    this.locks
      .withLock(sessionLockKey(sid), () => this.writeHoldingLock(sid, sess))
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(asSessionStoreError(error)),
      );
  }

  /** Refreshes the stored expiry of `sid` from `sess.cookie`, unless it was refreshed (or saved) in the last minute. */
  refreshExpiry(sid: string, sess: Pick<SessionData, 'cookie'>): Promise<void> {
    const { inner } = this;
    if (!inner.touch || !this.touches.due(sid)) return Promise.resolve();
    // A store's touch reads only the cookie's expiry (express-session hands it the request's session).
    const stored = sess as SessionData;
    return new Promise((resolve, reject) =>
      inner.touch!(sid, stored, (error?: unknown) => (error ? reject(error) : resolve())),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.touches.forget(sid);
    this.ended
      .add(sid)
      .then(
        () =>
          new Promise<void>((resolve, reject) =>
            this.inner.destroy(sid, (error) => (error ? reject(error) : resolve())),
          ),
      )
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(asSessionStoreError(error)),
      );
  }
}
