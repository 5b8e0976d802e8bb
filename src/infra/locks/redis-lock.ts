/** The lock in Redis: `SET NX PX` with a random token; renew and release are scripts that check the token first. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  DEFAULT_TTL_MS,
  DEFAULT_WAIT_MS,
  lockService,
  realLockClock,
  type LockClock,
  type LockLease,
  type LockService,
} from './lock-service.ts';

const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export function createRedisLockService(redis: Redis, prefix: string, clock: LockClock = realLockClock): LockService {
  return lockService(async (key, options = {}) => {
    const redisKey = `${prefix}lock:${key}`;
    const token = randomBytes(16).toString('hex');
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    const deadline = clock.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
    let pause = 10;
    while ((await redis.set(redisKey, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      const left = deadline - clock.now();
      if (left <= 0) return null;
      await clock.sleep(Math.min(pause, left), new AbortController().signal);
      pause = Math.min(pause * 2, 100);
    }
    const lease: LockLease = {
      key,
      renew: async () => (await redis.eval(RENEW_SCRIPT, 1, redisKey, token, ttlMs)) === 1,
      release: async () => (await redis.eval(RELEASE_SCRIPT, 1, redisKey, token)) === 1,
    };
    return lease;
  });
}
