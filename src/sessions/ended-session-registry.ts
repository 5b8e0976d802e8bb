/**
 * Remembers for a day which session ids were ended (sign-out, sign-in regeneration), so that
 * a request still running with an old copy of such a session can never write it back.
 */
import type { Redis } from 'ioredis';
import { ExpiringMap } from '../infra/expiring-map.ts';

export interface EndedSessionRegistry {
  add(sid: string): Promise<void>;
  has(sid: string): Promise<boolean>;
}

const REMEMBER_MS = 24 * 60 * 60 * 1000;

export function redisEndedSessionRegistry(redis: Redis, prefix: string): EndedSessionRegistry {
  return {
    async add(sid) {
      await redis.set(`${prefix}sess-ended:${sid}`, '1', 'PX', REMEMBER_MS);
    },
    async has(sid) {
      return (await redis.exists(`${prefix}sess-ended:${sid}`)) === 1;
    },
  };
}

export function inProcessEndedSessionRegistry(): EndedSessionRegistry {
  const ended = new ExpiringMap<true>();
  return {
    async add(sid) {
      ended.sweep();
      ended.set(sid, true, Date.now() + REMEMBER_MS);
    },
    async has(sid) {
      return ended.has(sid);
    },
  };
}
