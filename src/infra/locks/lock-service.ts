/**
 * Mutual exclusion by key, with an owner: in Redis when configured (shared by every instance),
 * in-process otherwise, chosen once at the composition root. A holder has a lease: it lapses
 * after its TTL unless renewed, and only its owner (the token it was taken with) can renew or
 * release it, so a holder whose lease lapsed cannot free the next holder's lock. Used so that
 * one session refreshes its rotating Whop tokens once at a time, and one reconciliation runs.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ServiceUnavailableError } from '../../domain/app-errors.ts';

export interface LockOptions {
  /** How long the lock is held at most unless renewed (its holder may have died). */
  ttlMs?: number;
  /** How long to wait for the lock before giving up (0: try once). */
  waitMs?: number;
}

export interface LockLease {
  readonly key: string;
  /** Extends the lease by its TTL if it is still ours; false when it lapsed and may be another's. */
  renew(): Promise<boolean>;
  /** Frees the lock if it is still ours; false (and nothing freed) when it lapsed. */
  release(): Promise<boolean>;
}

export interface LockService {
  /** Takes the lock, waiting at most `waitMs`; null when another still holds it then. */
  acquire(key: string, options?: LockOptions): Promise<LockLease | null>;
  /** Runs `work` holding the lock; `ServiceUnavailableError` when it stays busy for `waitMs`. */
  withLock<T>(key: string, work: () => Promise<T>, options?: LockOptions): Promise<T>;
}

/** Time as the locks see it: the clock, and a wait that ends early when `signal` aborts. */
export interface LockClock {
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_TTL_MS = 15_000;
export const DEFAULT_WAIT_MS = 20_000;

export const realLockClock: LockClock = {
  now: Date.now,
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
};

/** The lock service over an `acquire`. */
export function lockService(acquire: LockService['acquire']): LockService {
  return {
    acquire,
    async withLock(key, work, options) {
      const lease = await acquire(key, options);
      if (!lease) throw new ServiceUnavailableError('Busy, please try again.', 1);
      try {
        return await work();
      } finally {
        await lease.release().catch(() => false);
      }
    },
  };
}

/**
 * Renews `lease` every `everyMs` until the returned function is called; `onLost` hears of a lapsed lease or a failed
 * renewal.
 */
export function keepRenewing(lease: LockLease, everyMs: number, onLost: (error?: unknown) => void): () => void {
  const timer = setInterval(() => {
    lease.renew().then((mine) => mine || onLost(), onLost);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
