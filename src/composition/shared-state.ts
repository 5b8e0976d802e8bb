/**
 * The one switch between Redis and this process for the state every instance must share:
 * sessions, the ended-session registry, caches, locks and rate-limit counters. With
 * `REDIS_URL` each lives in Redis under the configured prefix; without it (development, tests,
 * one instance) each has an in-process twin with the same rules. Nothing else asks whether
 * Redis is configured: the composition root (runtime.ts) asks this once and hands out the parts.
 */
import type { Redis } from 'ioredis';
import type { Store } from 'express-session';
import { RedisStore as RedisSessionStore } from 'connect-redis';
import { RedisStore as RedisRateLimitStore, type RedisReply } from 'rate-limit-redis';
import type { Options as RateLimitOptions } from 'express-rate-limit';
import { MemorySessionStore } from '../sessions/memory-session-store.ts';
import {
  inProcessEndedSessionRegistry,
  redisEndedSessionRegistry,
  type EndedSessionRegistry,
} from '../sessions/ended-session-registry.ts';
import { createMemoryCache, createRedisCache, type CacheService } from '../infra/cache/cache-service.ts';
import { createRedisLockService } from '../infra/locks/redis-lock.ts';
import { createInProcessLockService } from '../infra/locks/in-process-lock.ts';
import type { LockClock, LockService } from '../infra/locks/lock-service.ts';

export interface SharedState {
  /** Where the state lives, for the start-up log and /readyz. */
  readonly where: 'redis' | 'process';
  sessionStore(ttlSeconds: number): Store;
  endedSessions(): EndedSessionRegistry;
  cache(): CacheService;
  locks(clock: LockClock): LockService;
  /** express-rate-limit's store for the limiter `name`; undefined: its own in-process counters. */
  rateLimitStore(name: string): RateLimitOptions['store'] | undefined;
  /** Stops what the in-process twins run (the session store's sweeper). */
  close(): Promise<void>;
}

function inRedis(redis: Redis, prefix: string): SharedState {
  return {
    where: 'redis',
    sessionStore: (ttlSeconds) => new RedisSessionStore({ client: redis, prefix: `${prefix}sess:`, ttl: ttlSeconds }),
    endedSessions: () => redisEndedSessionRegistry(redis, prefix),
    cache: () => createRedisCache(redis, prefix),
    locks: (clock) => createRedisLockService(redis, prefix, clock),
    rateLimitStore: (name) =>
      new RedisRateLimitStore({
        prefix: `${prefix}rl:${name}:`,
        sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
      }),
    close: async () => {},
  };
}

function inProcess(): SharedState {
  const sessionStores: MemorySessionStore[] = [];
  return {
    where: 'process',
    sessionStore: (ttlSeconds) => {
      const store = new MemorySessionStore({ defaultTtlMs: ttlSeconds * 1000 });
      sessionStores.push(store);
      return store;
    },
    endedSessions: () => inProcessEndedSessionRegistry(),
    cache: () => createMemoryCache(),
    locks: (clock) => createInProcessLockService(clock),
    rateLimitStore: () => undefined,
    close: async () => {
      for (const store of sessionStores) store.close();
    },
  };
}

export function createSharedState(redis: Redis | undefined, prefix: string): SharedState {
  return redis ? inRedis(redis, prefix) : inProcess();
}
