/**
 * The sign-in rate limit keys on the client's address as the trusted proxies report it
 * (TRUST_PROXY_HOPS), over HTTP against the real app. Every request arrives from 127.0.0.1 (the
 * test), so only X-Forwarded-For tells clients apart, as behind a platform's router.
 */
import { expect } from 'chai';
import request from 'supertest';
import { runRedisPrefix, startTestApp, type TestApp } from '../support/test-runtime.ts';

let appCount = 0;

/** The sign-in callback: rate limited, and answered without reaching Whop (no pending sign-in). */
const SIGN_IN_STEP = '/api/whop/auth/callback?state=none&code=none';

async function appWith(trustProxyHops: string | undefined): Promise<TestApp> {
  return startTestApp({
    AUTH_RATE_LIMIT_PER_MINUTE: '2',
    TRUST_PROXY_HOPS: trustProxyHops,
    // Counters of their own, whatever ran before in this process.
    REDIS_PREFIX: `${runRedisPrefix}trust-proxy-${(appCount += 1)}:`,
  });
}

async function statusFrom(t: TestApp, forwardedFor: string): Promise<number> {
  return (await request(t.app).get(SIGN_IN_STEP).set('X-Forwarded-For', forwardedFor)).status;
}

describe('rate limits key on the client address the trusted proxy reports', function () {
  this.timeout(30_000);

  describe('behind one proxy (TRUST_PROXY_HOPS=1)', () => {
    let t: TestApp;
    before(async () => (t = await appWith('1')));
    after(() => t.close());

    it('gives two clients that differ only in the last X-Forwarded-For entry separate limits', async () => {
      expect(await statusFrom(t, '198.51.100.9, 203.0.113.10')).not.to.equal(429);
      expect(await statusFrom(t, '198.51.100.9, 203.0.113.10')).not.to.equal(429);
      expect(await statusFrom(t, '198.51.100.9, 203.0.113.10')).to.equal(429);
      expect(await statusFrom(t, '198.51.100.9, 203.0.113.11')).not.to.equal(429);
    });

    it('does not let a client buy a fresh limit by prepending addresses', async () => {
      for (let i = 0; i < 2; i += 1) expect(await statusFrom(t, '203.0.113.20')).not.to.equal(429);
      for (const spoofed of ['10.9.8.7, 203.0.113.20', '1.1.1.1, 2.2.2.2, 203.0.113.20', 'garbage, 203.0.113.20'])
        expect(await statusFrom(t, spoofed), spoofed).to.equal(429);
    });

    it('takes the address the proxy saw, not the one the client claims', async () => {
      // A client that sends its own X-Forwarded-For gets the proxy's entry for its real address appended.
      expect(await statusFrom(t, '203.0.113.30, 203.0.113.31')).not.to.equal(429);
      expect(await statusFrom(t, '203.0.113.30, 203.0.113.31')).not.to.equal(429);
      expect(await statusFrom(t, '203.0.113.31')).to.equal(429);
      expect(await statusFrom(t, '203.0.113.30')).not.to.equal(429);
    });
  });

  describe('with no proxy trusted (the default outside production)', () => {
    let t: TestApp;
    before(async () => (t = await appWith(undefined)));
    after(() => t.close());

    it('ignores X-Forwarded-For: every request from one socket address shares one limit', async () => {
      expect(t.config.trustProxyHops).to.equal(0);
      expect(await statusFrom(t, '203.0.113.40')).not.to.equal(429);
      expect(await statusFrom(t, '203.0.113.41')).not.to.equal(429);
      expect(await statusFrom(t, '203.0.113.42')).to.equal(429);
    });
  });
});
