import { expect } from 'chai';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { LockClock, LockService } from '../../../src/infra/locks/lock-service.ts';
import { createInProcessLockService } from '../../../src/infra/locks/in-process-lock.ts';
import { createRedisLockService } from '../../../src/infra/locks/redis-lock.ts';
import { ServiceUnavailableError } from '../../../src/domain/app-errors.ts';
import { createRedisClient, waitForRedis } from '../../../src/db/redis-client.ts';
import { runRedisPrefix } from '../../support/test-runtime.ts';
import { externalRedisUrl } from '../../support/test-env.ts';
import { yieldTurns } from '../../support/wait.ts';

/** A clock the test moves; a wait moves it by the time waited, at once. */
function movingClock(): LockClock & { advance(ms: number): void; waited: number[] } {
  let now = 1_000_000;
  const waited: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      waited.push(ms);
      now += ms;
      await yieldTurns(1);
    },
    advance: (ms) => void (now += ms),
    waited,
  };
}

/** A clock that stands still and whose waits never end by themselves: a waiter wakes only when the lock is released. */
function stoppedClock(): LockClock {
  return {
    now: () => 1_000_000,
    sleep: (_ms, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
  };
}

/** A clock that stands still and whose waits last one turn of the event loop: a poller tries again at once, no time passing. */
function turnClock(): LockClock {
  return { now: () => 1_000_000, sleep: () => yieldTurns(1) };
}

const uniqueKey = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

/** `make` gets a clock that never lets a wait run out: the contenders get in by releases alone. */
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
            await yieldTurns();
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

/** Ownership on a moved clock; `lapse` makes a lease run out (the clock, or Redis's own expiry). */
function provesOwnership(
  make: (clock: LockClock) => LockService,
  lapse: (clock: ReturnType<typeof movingClock>, key: string, ttlMs: number) => Promise<void>,
) {
  it('lets one of two owners in; the other gets nothing until the first releases', async () => {
    const clock = movingClock();
    const [a, b] = [make(clock), make(clock)];
    const key = uniqueKey('contend');
    const first = await a.acquire(key, { ttlMs: 60_000, waitMs: 0 });
    expect(first).to.not.equal(null);
    expect(await b.acquire(key, { ttlMs: 60_000, waitMs: 0 })).to.equal(null);
    const refused = await b.withLock(key, async () => 'ran', { waitMs: 0 }).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(ServiceUnavailableError);
    expect(await first!.release()).to.equal(true);
    const second = await b.acquire(key, { ttlMs: 60_000, waitMs: 0 });
    expect(second).to.not.equal(null);
    await second!.release();
  });

  it('does not let a holder whose lease lapsed renew or release the next holder’s lock', async () => {
    const clock = movingClock();
    const [a, b, c] = [make(clock), make(clock), make(clock)];
    const key = uniqueKey('lapse');
    const former = (await a.acquire(key, { ttlMs: 1_000, waitMs: 0 }))!;
    await lapse(clock, key, 1_000);
    const next = await b.acquire(key, { ttlMs: 60_000, waitMs: 0 });
    expect(next, 'the lapsed lock is free for the next holder').to.not.equal(null);
    expect(await former.release()).to.equal(false);
    expect(await former.renew()).to.equal(false);
    expect(await c.acquire(key, { ttlMs: 60_000, waitMs: 0 }), 'the next holder still holds it').to.equal(null);
    expect(await next!.release()).to.equal(true);
  });

  it('gives up waiting after waitMs, and throws Busy from withLock', async () => {
    const clock = movingClock();
    const [a, b] = [make(clock), make(clock)];
    const key = uniqueKey('wait');
    const held = (await a.acquire(key, { ttlMs: 60_000, waitMs: 0 }))!;
    const start = clock.now();
    expect(await b.acquire(key, { ttlMs: 60_000, waitMs: 1_000 })).to.equal(null);
    expect(clock.now() - start, 'waited its full wait, no longer').to.be.within(1_000, 1_100);
    const busy = await b.withLock(key, async () => 'ran', { waitMs: 500 }).catch((error: unknown) => error);
    expect(busy).to.be.instanceOf(ServiceUnavailableError);
    await held.release();
  });
}

describe('lock service', () => {
  describe('in-process', () => {
    provesMutualExclusion(() => createInProcessLockService(stoppedClock()));
    // Owners within one process share its one lock service.
    const perProcess = new WeakMap<LockClock, LockService>();
    const inProcess = (clock: LockClock) =>
      perProcess.get(clock) ?? perProcess.set(clock, createInProcessLockService(clock)).get(clock)!;
    provesOwnership(inProcess, async (clock, _key, ttlMs) => clock.advance(ttlMs));

    it('keeps a renewed lease past its first TTL, and lets it lapse a TTL after the last renewal', async () => {
      const clock = movingClock();
      const locks = createInProcessLockService(clock);
      const lease = (await locks.acquire('renewed', { ttlMs: 1_000, waitMs: 0 }))!;
      clock.advance(800);
      expect(await lease.renew()).to.equal(true);
      clock.advance(800);
      expect(await locks.acquire('renewed', { waitMs: 0 }), 'held 1.6 s after it was taken').to.equal(null);
      clock.advance(200);
      expect(await locks.acquire('renewed', { waitMs: 0 }), 'lapsed 1 s after the renewal').to.not.equal(null);
    });

    it("takes over a lock whose holder's lease lapses while it waits, waiting no longer than that", async () => {
      const clock = movingClock();
      const locks = createInProcessLockService(clock);
      await locks.acquire('ttl', { ttlMs: 300, waitMs: 0 });
      const start = clock.now();
      expect(await locks.acquire('ttl', { waitMs: 10_000 })).to.not.equal(null);
      expect(clock.now() - start).to.equal(300);
    });

    it('wakes a waiter as soon as the lock is released, before its wait ends', async () => {
      const locks = createInProcessLockService(stoppedClock());
      const held = (await locks.acquire('wake', { waitMs: 0 }))!;
      const waiting = locks.acquire('wake', { waitMs: 60_000 });
      await yieldTurns();
      await held.release();
      expect(await waiting).to.not.equal(null);
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
      // Redis has no wake-up: a contender polls, here on the next turn instead of after a pause.
      provesMutualExclusion(() => createRedisLockService(redis, runRedisPrefix, turnClock()));
      // Redis keeps the TTL itself: a lapse is the key expiring now.
      provesOwnership(
        (clock) => createRedisLockService(redis, runRedisPrefix, clock),
        async (_clock, key) => void (await redis.pexpire(`${runRedisPrefix}lock:${key}`, 0)),
      );

      it('renews the lease to a full TTL', async () => {
        const locks = createRedisLockService(redis, runRedisPrefix);
        const key = uniqueKey('renewed');
        const lease = (await locks.acquire(key, { ttlMs: 60_000, waitMs: 0 }))!;
        await redis.pexpire(`${runRedisPrefix}lock:${key}`, 50); // nearly run out
        expect(await lease.renew()).to.equal(true);
        expect(await redis.pttl(`${runRedisPrefix}lock:${key}`)).to.be.above(50_000);
        await lease.release();
      });

      it('is shared by two clients (two app instances)', async () => {
        const other = createRedisClient(externalRedisUrl!, pino({ level: 'silent' }));
        await waitForRedis(other);
        let bWaiting!: () => void;
        const bTried = new Promise<void>((resolve) => (bWaiting = resolve));
        const a = createRedisLockService(redis, runRedisPrefix);
        // B's first wait tells A that B found the lock taken; B tries again on the next turn.
        const b = createRedisLockService(other, runRedisPrefix, {
          ...turnClock(),
          sleep: () => (bWaiting(), yieldTurns(1)),
        });
        const events: string[] = [];
        let aIn!: () => void;
        const aHolds = new Promise<void>((resolve) => (aIn = resolve));
        await Promise.all([
          a.withLock('shared', async () => {
            events.push('a-in');
            aIn();
            await bTried;
            events.push('a-out');
          }),
          aHolds.then(() => b.withLock('shared', async () => events.push('b-in'))),
        ]);
        await other.quit();
        expect(events).to.deep.equal(['a-in', 'a-out', 'b-in']);
      });
    });
  }
});
