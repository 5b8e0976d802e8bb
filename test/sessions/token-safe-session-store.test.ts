import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { pino } from 'pino';
import type { SessionData } from 'express-session';
import type { Redis } from 'ioredis';
import { createRedisClient, waitForRedis } from '../../src/db/redis-client.ts';
import { createSharedState } from '../../src/composition/shared-state.ts';
import { TokenSafeSessionStore } from '../../src/sessions/token-safe-session-store.ts';
import { realLockClock } from '../../src/infra/locks/lock-service.ts';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';
import { TouchThrottle } from '../../src/sessions/touch-throttle.ts';
import { createSessionMiddleware, SESSION_IDLE_MS } from '../../src/sessions/session-middleware.ts';
import { refreshSessionExpiry } from '../../src/sessions/session-lifecycle.ts';
import { runRedisPrefix, testConfig } from '../support/test-runtime.ts';
import { externalRedisUrl, storeMode } from '../support/test-env.ts';

function session(fields: Partial<SessionData>): SessionData {
  return {
    cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
    ...fields,
  } as unknown as SessionData;
}

function set(store: TokenSafeSessionStore, sid: string, value: SessionData): Promise<void> {
  return new Promise((resolve, reject) => store.set(sid, value, (e) => (e ? reject(e) : resolve())));
}

function destroy(store: TokenSafeSessionStore, sid: string): Promise<void> {
  return new Promise((resolve, reject) => store.destroy(sid, (e) => (e ? reject(e) : resolve())));
}

describe(`TokenSafeSessionStore (${storeMode})`, () => {
  let redis: Redis | undefined;
  let store: TokenSafeSessionStore;

  before(async () => {
    if (externalRedisUrl) {
      redis = createRedisClient(externalRedisUrl, pino({ level: 'silent' }));
      await waitForRedis(redis);
    }
    const shared = createSharedState(redis, runRedisPrefix);
    const inner = shared.sessionStore(60);
    store = new TokenSafeSessionStore(inner, shared.locks(realLockClock), shared.endedSessions());
  });
  after(async () => {
    if (store.inner instanceof MemorySessionStore) store.inner.close();
    await redis?.quit();
  });

  it("refreshes a busy session's expiry in the store at most once a minute", async () => {
    let clock = Date.now();
    const shared = createSharedState(redis, runRedisPrefix);
    const inner = shared.sessionStore(60);
    const throttled = new TokenSafeSessionStore(
      inner,
      shared.locks(realLockClock),
      shared.endedSessions(),
      new TouchThrottle(60_000, 100, () => clock),
    );
    const expiresIn = (seconds: number) =>
      ({
        cookie: { originalMaxAge: seconds * 1000, expires: new Date(Date.now() + seconds * 1000) },
      }) as unknown as SessionData;
    const storedTtlSeconds = async (): Promise<number> => {
      if (redis) return Math.round((await redis.pttl(`${runRedisPrefix}sess:sid-touch`)) / 1000);
      const expiresAt = inner instanceof MemorySessionStore ? inner.expiresAt('sid-touch') : undefined;
      return Math.round(((expiresAt ?? 0) - Date.now()) / 1000);
    };
    const touch = (sess: SessionData) => throttled.refreshExpiry('sid-touch', sess);
    try {
      await set(throttled, 'sid-touch', { ...expiresIn(100), userId: 1 } as SessionData);
      await touch(expiresIn(600));
      expect(await storedTtlSeconds(), 'a touch right after the save is skipped').to.be.within(98, 100);
      clock += 60_000;
      await touch(expiresIn(600));
      expect(await storedTtlSeconds(), 'a minute later the expiry is refreshed').to.be.within(598, 600);
      await touch(expiresIn(1200));
      expect(await storedTtlSeconds(), 'and not again within the minute').to.be.within(598, 600);
    } finally {
      if (inner instanceof MemorySessionStore) inner.close();
    }
  });

  it("rolls a signed-in visitor's idle expiry forward before the page, at most once a minute", async () => {
    let clock = Date.now();
    const shared = createSharedState(redis, runRedisPrefix);
    const inner = shared.sessionStore(60);
    const throttled = new TokenSafeSessionStore(
      inner,
      shared.locks(realLockClock),
      shared.endedSessions(),
      new TouchThrottle(60_000, 100, () => clock),
    );
    const app = express();
    app.use(createSessionMiddleware(testConfig(), throttled));
    app.use(refreshSessionExpiry(throttled));
    app.post('/sign-in', (req, res) => {
      req.session.userId = 7;
      res.json({ sid: req.sessionID });
    });
    app.get('/page', (_req, res) => res.send('page'));
    const storedTtlSeconds = async (sid: string): Promise<number> => {
      if (redis) return Math.round((await redis.pttl(`${runRedisPrefix}sess:${sid}`)) / 1000);
      const expiresAt = inner instanceof MemorySessionStore ? inner.expiresAt(sid) : undefined;
      return Math.round(((expiresAt ?? 0) - Date.now()) / 1000);
    };
    try {
      const agent = request.agent(app);
      const { sid } = (await agent.post('/sign-in')).body as { sid: string };
      // The stored copy as if the visitor had been idle for all but 100 seconds of the limit.
      await new Promise<void>((resolve, reject) =>
        inner.set(
          sid,
          {
            cookie: { originalMaxAge: SESSION_IDLE_MS, expires: new Date(Date.now() + 100_000) },
            userId: 7,
          } as unknown as SessionData,
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      await agent.get('/page');
      expect(await storedTtlSeconds(sid), 'within a minute of the sign-in the store is not asked again').to.be.within(
        98,
        100,
      );
      clock += 60_000;
      expect((await agent.get('/page')).text).to.equal('page');
      expect(await storedTtlSeconds(sid), 'a minute later the idle limit starts again').to.be.greaterThan(
        SESSION_IDLE_MS / 1000 - 60,
      );
    } finally {
      if (inner instanceof MemorySessionStore) inner.close();
    }
  });

  it('keeps the newer token bundle when an older copy of the session is saved after a refresh', async () => {
    await set(store, 'sid-rollback', session({ userId: 1, whopTokens: 'gen1', whopTokensGen: 1 }));
    const staleCopy = session({ userId: 1, whopTokens: 'gen1', whopTokensGen: 1, flash: 'changed by a slow request' });
    await set(store, 'sid-rollback', session({ userId: 1, whopTokens: 'gen2', whopTokensGen: 2 }));
    await set(store, 'sid-rollback', staleCopy);
    const stored = await store.read('sid-rollback');
    expect(stored?.whopTokens).to.equal('gen2');
    expect(stored?.whopTokensGen).to.equal(2);
    expect(stored?.flash).to.equal('changed by a slow request');
  });

  it('takes a newer bundle when one is saved', async () => {
    await set(store, 'sid-newer', session({ whopTokens: 'gen1', whopTokensGen: 1 }));
    await set(store, 'sid-newer', session({ whopTokens: 'gen2', whopTokensGen: 2 }));
    expect((await store.read('sid-newer'))?.whopTokens).to.equal('gen2');
  });

  it('never writes a destroyed session back', async () => {
    await set(store, 'sid-ended', session({ userId: 1 }));
    await destroy(store, 'sid-ended');
    await set(store, 'sid-ended', session({ userId: 1 }));
    expect(await store.read('sid-ended')).to.equal(null);
  });

  it('serialises concurrent saves of one session', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        set(store, 'sid-concurrent', session({ whopTokens: `gen${i + 1}`, whopTokensGen: i + 1 })),
      ),
    );
    expect((await store.read('sid-concurrent'))?.whopTokensGen).to.equal(20);
  });
});
