import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { pino } from 'pino';
import { RedisStore } from 'connect-redis';
import { createApp } from '../../src/app.ts';
import { createRedisClient } from '../../src/db/redis-client.ts';
import { TokenSafeSessionStore } from '../../src/sessions/token-safe-session-store.ts';
import { inProcessEndedSessionRegistry } from '../../src/sessions/ended-session-registry.ts';
import { createInProcessLockService } from '../../src/infra/locks/in-process-lock.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';

describe('when the session store (Redis) does not answer', () => {
  let t: TestApp;
  before(async () => (t = await startTestApp()));
  after(() => t.close());

  it('answers pages that need a session with a clear 503 page (not a crash, not a sign-out), while health and static files still answer', async () => {
    const deadRedis = createRedisClient('redis://127.0.0.1:1', pino({ level: 'silent' }));
    try {
      const store = new TokenSafeSessionStore(
        new RedisStore({ client: deadRedis, prefix: 'dead:' }),
        createInProcessLockService(),
        inProcessEndedSessionRegistry(),
      );
      const app = createApp({ ...t.runtime.deps, sessionStore: store });
      // A correctly signed session cookie, as a signed-in browser would send.
      const sid = 'outage-test-session-id';
      const signature = createHmac('sha256', t.config.sessionSecrets[0]!)
        .update(sid)
        .digest('base64')
        .replace(/=+$/, '');
      const cookie = `chronos.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
      const page = await request(app).get('/dashboard').set('cookie', cookie);
      expect(page.status).to.equal(503);
      expect(page.headers['retry-after']).to.equal('5');
      expect(page.text).to.contain('Sign-in is unavailable for a moment');
      expect(page.headers['set-cookie']).to.equal(undefined);
      const api = await request(app).get('/api/me').set('cookie', cookie);
      expect(api.status).to.equal(503);
      expect(api.body.error).to.equal('service_unavailable');
      expect((await request(app).get('/healthz')).status).to.equal(200);
      expect((await request(app).get('/static/css/app.css')).status).to.equal(200);
    } finally {
      deadRedis.disconnect();
    }
  });
});
