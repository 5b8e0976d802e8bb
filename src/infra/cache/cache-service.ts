/**
 * A small key-value cache with expiry: Redis when configured (shared by every instance),
 * in-process otherwise. Values are JSON.
 */
import type { Redis } from 'ioredis';
import { ExpiringMap } from '../expiring-map.ts';

export interface CacheService {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Sets only when absent; true when this call set it (a cheap cross-instance "once per TTL"). */
  setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export function createRedisCache(redis: Redis, prefix: string): CacheService {
  const k = (key: string) => `${prefix}cache:${key}`;
  return {
    async get<T>(key: string) {
      const raw = await redis.get(k(key));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlMs) {
      await redis.set(k(key), JSON.stringify(value), 'PX', ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(k(key), JSON.stringify(value), 'PX', ttlMs, 'NX')) === 'OK';
    },
    async delete(key) {
      await redis.del(k(key));
    },
  };
}

export function createMemoryCache(now: () => number = Date.now): CacheService {
  const entries = new ExpiringMap<string>(now);
  const sweep = () => {
    if (entries.size >= 10_000) entries.sweep();
  };
  return {
    async get<T>(key: string) {
      const json = entries.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as T);
    },
    async set(key, value, ttlMs) {
      sweep();
      entries.set(key, JSON.stringify(value), now() + ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (entries.has(key)) return false;
      entries.set(key, JSON.stringify(value), now() + ttlMs);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
