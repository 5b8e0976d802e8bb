import { expect } from 'chai';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { createInProcessLockService, createRedisLockService, type LockService } from '../../../src/services/locks/lock-service.ts';
import { createRedisClient, waitForRedis } from '../../../src/db/redis-client.ts';
import { runRedisPrefix } from '../../support/test-runtime.ts';
import { externalRedisUrl } from '../../support/test-env.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function provesMutualExclusion(make: () => LockService) {
  it('lets one holder at a time run, in order, and releases on failure', async () => {
    const locks = make();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        locks
          .withLock('k', async () => {
            inside += 1;
            maxInside = Math.max(maxInside, inside);
            await sleep(5);
            order.push(i);
            inside -= 1;
            if (i === 3) throw new Error('boom');
          })
          .catch(() => undefined),
      ),
    );
    expect(maxInside).to.equal(1);
    expect(order).to.have.length(8);
    expect(await locks.withLock('k', async () => 'free again')).to.equal('free again');
  });

  it('does not block other keys', async () => {
    const locks = make();
    let otherRan = false;
    await locks.withLock('a', async () => {
      await locks.withLock('b', async () => (otherRan = true));
    });
    expect(otherRan).to.equal(true);
  });
}

describe('lock service', () => {
  describe('in-process', () => provesMutualExclusion(createInProcessLockService));

  if (externalRedisUrl) {
    describe('redis', () => {
      let redis: Redis;
      before(async () => {
        redis = createRedisClient(externalRedisUrl!, pino({ level: 'silent' }));
        await waitForRedis(redis);
      });
      after(() => redis.quit());
      provesMutualExclusion(() => createRedisLockService(redis, runRedisPrefix));

      it('is shared by two clients (two app instances)', async () => {
        const other = createRedisClient(externalRedisUrl!, pino({ level: 'silent' }));
        await waitForRedis(other);
        const a = createRedisLockService(redis, runRedisPrefix);
        const b = createRedisLockService(other, runRedisPrefix);
        const events: string[] = [];
        await Promise.all([
          a.withLock('shared', async () => {
            events.push('a-in');
            await sleep(30);
            events.push('a-out');
          }),
          sleep(5).then(() => b.withLock('shared', async () => events.push('b-in'))),
        ]);
        await other.quit();
        expect(events).to.deep.equal(['a-in', 'a-out', 'b-in']);
      });
    });
  }
});
