/**
 * Mutual exclusion by key: in Redis when configured (shared by every instance), in-process
 * otherwise. Used so that one session refreshes its rotating Whop tokens once at a time.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../../errors.ts';

export interface LockOptions {
  /** How long the lock is held at most if its holder dies (Redis). */
  ttlMs?: number;
  /** How long to wait for the lock before giving up. */
  waitMs?: number;
}

export interface LockService {
  withLock<T>(key: string, work: () => Promise<T>, options?: LockOptions): Promise<T>;
}

const DEFAULT_TTL_MS = 15_000;
const DEFAULT_WAIT_MS = 20_000;

export function createInProcessLockService(): LockService {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(key, work) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      await previous;
      try {
        return await work();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export function createRedisLockService(redis: Redis, prefix: string): LockService {
  return {
    async withLock(key, work, options = {}) {
      const redisKey = `${prefix}lock:${key}`;
      const token = randomBytes(16).toString('hex');
      const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
      const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
      let delay = 10;
      while ((await redis.set(redisKey, token, 'PX', ttlMs, 'NX')) !== 'OK') {
        if (Date.now() > deadline) throw new ServiceUnavailableError('Busy, please try again.', 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 100);
      }
      try {
        return await work();
      } finally {
        await redis.eval(RELEASE_SCRIPT, 1, redisKey, token).catch(() => undefined);
      }
    },
  };
}
