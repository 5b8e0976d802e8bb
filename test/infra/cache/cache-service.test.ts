/**
 * The cache the services receive: a value comes back as JSON until its TTL has passed (the
 * in-process cache against an injected clock; Redis keeps its own TTL, so there a lapse is the
 * key made to expire now), `setIfAbsent` sets once per TTL, and `delete` forgets.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createMemoryCache, createRedisCache, type CacheService } from '../../../src/infra/cache/cache-service.ts';
import { createRedisClient, waitForRedis } from '../../../src/db/redis-client.ts';
import { runRedisPrefix } from '../../support/test-runtime.ts';
import { externalRedisUrl } from '../../support/test-env.ts';

function provesTheCache(make: () => { cache: CacheService; lapse: (key: string) => Promise<void> }) {
  it('gives back what was set, as JSON, and nothing once its TTL has passed', async () => {
    const { cache, lapse } = make();
    const key = `k-${randomBytes(4).toString('hex')}`;
    await cache.set(key, { tier: 'pro', at: [1, 2] }, 60_000);
    expect(await cache.get(key)).to.deep.equal({ tier: 'pro', at: [1, 2] });
    await lapse(key);
    expect(await cache.get(key)).to.equal(undefined);
  });

  it('sets once with setIfAbsent until the first value expires, and forgets a deleted key', async () => {
    const { cache, lapse } = make();
    const key = `once-${randomBytes(4).toString('hex')}`;
    expect(await cache.setIfAbsent(key, 1, 60_000)).to.equal(true);
    expect(await cache.setIfAbsent(key, 2, 60_000)).to.equal(false);
    expect(await cache.get(key)).to.equal(1);
    await lapse(key);
    expect(await cache.setIfAbsent(key, 3, 60_000)).to.equal(true);
    await cache.delete(key);
    expect(await cache.get(key)).to.equal(undefined);
  });
}

describe('the cache (infra/cache)', () => {
  describe('in-process', () => {
    provesTheCache(() => {
      let now = 1_000_000;
      const cache = createMemoryCache(() => now);
      return {
        cache,
        lapse: async () => void (now += 60_000),
      };
    });

    it('keeps a value until the last millisecond of its TTL', async () => {
      let now = 1_000_000;
      const cache = createMemoryCache(() => now);
      await cache.set('k', 'v', 1000);
      now += 999;
      expect(await cache.get('k')).to.equal('v');
      now += 1;
      expect(await cache.get('k')).to.equal(undefined);
    });
  });

  if (externalRedisUrl) {
    describe('redis', () => {
      let redis: Redis;
      before(async () => {
        redis = createRedisClient(externalRedisUrl!, pino({ level: 'silent' }));
        await waitForRedis(redis);
      });
      after(() => redis.quit());
      provesTheCache(() => ({
        cache: createRedisCache(redis, runRedisPrefix),
        lapse: async (key) => void (await redis.pexpire(`${runRedisPrefix}cache:${key}`, 0)),
      }));
    });
  }
});
