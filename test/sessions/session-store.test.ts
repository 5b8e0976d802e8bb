import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import type { Store } from 'express-session';
import { createRedisClient, waitForRedis } from '../../src/db/redis-client.ts';
import { createSharedState } from '../../src/composition/shared-state.ts';
import { createSessionMiddleware, SESSION_IDLE_MS } from '../../src/sessions/session-middleware.ts';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';
import { testConfig } from '../support/test-runtime.ts';
import { externalRedisUrl, storeMode } from '../support/test-env.ts';

describe(`session store (${storeMode})`, () => {
  let redis: Redis | undefined;
  let store: Store;
  const config = testConfig();

  before(async () => {
    if (externalRedisUrl) {
      redis = createRedisClient(externalRedisUrl, pino({ level: 'silent' }));
      await waitForRedis(redis);
    }
    store = createSharedState(redis, config.redisPrefix).sessionStore(3600);
  });
  after(async () => {
    if (store instanceof MemorySessionStore) store.close();
    await redis?.quit();
  });

  function appWithSessions() {
    const app = express();
    app.use(createSessionMiddleware(config, store));
    app.post('/visit', (req, res) => {
      req.session.userId = (req.session.userId ?? 0) + 1;
      res.json({ visits: req.session.userId });
    });
    app.post('/logout', (req, res) => req.session.destroy(() => res.json({ ok: true })));
    return app;
  }

  it('round-trips a session through the store across requests', async () => {
    const agent = request.agent(appWithSessions());
    expect((await agent.post('/visit')).body).to.deep.equal({ visits: 1 });
    expect((await agent.post('/visit')).body).to.deep.equal({ visits: 2 });
  });

  it('sets an httpOnly, SameSite=Lax cookie with the 30-day idle limit', async () => {
    const response = await request(appWithSessions()).post('/visit');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).to.match(/^chronos\.sid=/);
    expect(cookie).to.contain('HttpOnly');
    expect(cookie).to.contain('SameSite=Lax');
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '').getTime();
    expect(Math.abs(expires - (Date.now() + SESSION_IDLE_MS))).to.be.lessThan(60_000);
  });

  it('forgets a destroyed session', async () => {
    const agent = request.agent(appWithSessions());
    await agent.post('/visit');
    await agent.post('/logout');
    expect((await agent.post('/visit')).body).to.deep.equal({ visits: 1 });
  });

  if (externalRedisUrl) {
    it('keeps sessions in Redis under the configured prefix with an expiry', async () => {
      const response = await request(appWithSessions()).post('/visit');
      const cookieValue = decodeURIComponent(
        /chronos\.sid=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1] ?? '',
      );
      const sid = /^s:([^.]+)\./.exec(cookieValue)?.[1];
      expect(sid).to.be.a('string');
      const key = `${config.redisPrefix}sess:${sid!}`;
      expect(await redis!.exists(key)).to.equal(1);
      expect(await redis!.ttl(key)).to.be.greaterThan(SESSION_IDLE_MS / 1000 - 120);
      await redis!.del(key);
    });
  }
});
