/**
 * Reconciliation's lock, on the runtime's lock service (Redis or in-process, as the run is
 * configured): a run whose lease lapsed while it ran cannot free the lock the next run took.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../../support/chronos-with-sandbox.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { testClock } from '../../support/test-clock.ts';
import { RECONCILIATION_LOCK, RUNNING_TTL_MS } from '../../../src/services/reconciliation/reconciliation-service.ts';

describe('reconciliation service: its lock', () => {
  let t: ChronosWithSandbox;
  const clock = testClock(Date.now() + 1000);
  /** Whop's retry waits: each holds the run until the test lets it go on. */
  let whopWaiting: () => void = () => undefined;
  let goOn: () => void = () => undefined;
  const whopSleep = () =>
    new Promise<void>((resolve) => {
      goOn = resolve;
      whopWaiting();
    });

  before(async () => {
    t = await startChronosWithSandbox({ services: { now: clock.now, whopSleep } });
    await cleanTables(t.runtime.deps.sequelize);
  });
  after(() => t.close());

  /** The lease lapsing: the clock passing its TTL (in-process), or Redis expiring the key. */
  async function lapse(): Promise<void> {
    const { redis, config } = t.runtime.deps;
    if (redis) await redis.pexpire(`${config.redisPrefix}lock:${RECONCILIATION_LOCK}`, 0);
    else clock.advance(RUNNING_TTL_MS + 1);
  }

  it('does not let a run whose lease lapsed release the lock the next run took', async () => {
    const { locks, reconciliation } = t.runtime.deps.services;
    // Whop answers the run's first call with a 429: the run waits to retry, holding the lock.
    t.whopCalls.answerNext(1, '/api/v1/memberships', { status: 429, body: { error: { message: 'slow down' } } });
    const waiting = new Promise<void>((resolve) => (whopWaiting = resolve));
    const first = reconciliation.run('schedule');
    await waiting;
    expect(await locks.acquire(RECONCILIATION_LOCK, { waitMs: 0 }), 'the running run holds the lock').to.equal(null);

    await lapse();
    const next = await locks.acquire(RECONCILIATION_LOCK, { ttlMs: RUNNING_TTL_MS, waitMs: 0 });
    expect(next, 'the lapsed lock is free for the next run').to.not.equal(null);
    goOn();
    expect((await first)?.status, 'the first run still finishes its work').to.equal('succeeded');

    expect(await reconciliation.run('admin'), 'the next run still holds the lock: no other run starts').to.equal(null);
    expect(await next!.renew(), 'and can renew it').to.equal(true);
    expect(await next!.release()).to.equal(true);
    expect(await reconciliation.run('admin')).to.not.equal(null);
  });
});
