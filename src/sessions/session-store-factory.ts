/** Redis (connect-redis 8 over ioredis) when Redis is configured, the expiring in-process store otherwise. */
import type { Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { Redis } from 'ioredis';
import { MemorySessionStore } from './memory-session-store.ts';

export function createSessionStore(options: {
  redis: Redis | undefined;
  redisPrefix: string;
  ttlSeconds: number;
}): Store {
  if (options.redis)
    return new RedisStore({ client: options.redis, prefix: `${options.redisPrefix}sess:`, ttl: options.ttlSeconds });
  return new MemorySessionStore({ defaultTtlMs: options.ttlSeconds * 1000 });
}
