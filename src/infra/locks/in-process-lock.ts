/**
 * The lock within one process (no Redis): the same rules as the Redis one, on the injected
 * clock. A lease lapses after its TTL; a waiter is woken when the lock is released, or when the
 * holder's lease lapses or its own wait ends, whichever comes first.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_TTL_MS,
  DEFAULT_WAIT_MS,
  lockService,
  realLockClock,
  type LockClock,
  type LockLease,
  type LockService,
} from './lock-service.ts';

interface Holder {
  token: string;
  expiresAt: number;
}

export function createInProcessLockService(clock: LockClock = realLockClock): LockService {
  const holders = new Map<string, Holder>();
  /** Per key, the waiters to wake when it is released. */
  const waiters = new Map<string, Set<() => void>>();

  const current = (key: string) => {
    const holder = holders.get(key);
    return holder && holder.expiresAt > clock.now() ? holder : undefined;
  };

  function wake(key: string): void {
    for (const waiter of waiters.get(key) ?? []) waiter();
    waiters.delete(key);
  }

  /** Waits up to `ms`, or until `key` is released. */
  async function waitForRelease(key: string, ms: number): Promise<void> {
    const abort = new AbortController();
    const set = waiters.get(key) ?? new Set<() => void>();
    waiters.set(key, set);
    let waiter!: () => void;
    const released = new Promise<void>((resolve) => (waiter = resolve));
    set.add(waiter);
    try {
      await Promise.race([released, clock.sleep(ms, abort.signal)]);
    } finally {
      abort.abort();
      set.delete(waiter);
      if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
    }
  }

  return lockService(async (key, options = {}) => {
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    const deadline = clock.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const held = current(key);
      if (!held) break;
      const left = deadline - clock.now();
      if (left <= 0) return null;
      await waitForRelease(key, Math.min(left, held.expiresAt - clock.now()));
    }
    const token = randomBytes(16).toString('hex');
    holders.set(key, { token, expiresAt: clock.now() + ttlMs });
    const mine = () => current(key)?.token === token;
    const lease: LockLease = {
      key,
      async renew() {
        if (!mine()) return false;
        holders.set(key, { token, expiresAt: clock.now() + ttlMs });
        return true;
      },
      async release() {
        if (!mine()) return false;
        holders.delete(key);
        wake(key);
        return true;
      },
    };
    return lease;
  });
}
