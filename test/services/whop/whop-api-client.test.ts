import { expect } from 'chai';
import Whop from '@whop/sdk';
import { pino } from 'pino';
import { SDK_API_VERSION_DATE } from '../../../src/config/whop-settings.ts';
import { WhopApiClient, type WhopApiSettings } from '../../../src/services/whop/whop-api-client.ts';
import { WhopApiError, WhopRateLimitError } from '../../../src/services/whop/whop-errors.ts';
import { startCountingProxy, type CannedAnswer, type CountingProxy } from '../../support/counting-proxy.ts';
import { startTestSandbox, TEST_APP, type TestSandbox } from '@chronos/whop-sandbox/testing';
import { testConfig } from '../../support/test-runtime.ts';

/** Whop's documented 429 (docs.whop.com/developer/troubleshooting): no Retry-After, the delay in the message. */
const whop429 = (seconds: number): CannedAnswer => ({
  status: 429,
  body: { error: { type: 'rate_limit_exceeded', message: `Try again in ${seconds} seconds.` } },
});

describe('WhopApiClient against the sandbox', () => {
  let sandbox: TestSandbox;
  let proxy: CountingProxy;
  let slept: number[];

  before(async () => {
    sandbox = await startTestSandbox();
    proxy = await startCountingProxy(sandbox.url);
  });
  after(async () => {
    await proxy.close();
    await sandbox.close();
  });
  beforeEach(() => {
    proxy.reset();
    slept = [];
  });

  function client(settings: Partial<WhopApiSettings> = {}): WhopApiClient {
    return new WhopApiClient(
      {
        baseUrl: `${proxy.url}/api/v1`,
        apiKey: TEST_APP.apiKey,
        apiVersionDate: SDK_API_VERSION_DATE,
        sleep: async (ms) => void slept.push(ms),
        ...settings,
      },
      pino({ level: 'silent' }),
    );
  }

  describe('Api-Version-Date', () => {
    it('defaults to the date the installed @whop/sdk pins (fails when an SDK upgrade changes it)', () => {
      // (The SDK's constructor also reads WHOP_API_VERSION from the environment; Chronos always passes its own.)
      expect(new Whop({ apiKey: 'unused' }).version).to.equal(SDK_API_VERSION_DATE);
      expect(testConfig().whop.apiVersionDate).to.equal(SDK_API_VERSION_DATE);
    });

    it('is sent on every request, as WHOP_API_VERSION_DATE says', async () => {
      const pinned = client({
        apiVersionDate: testConfig({ WHOP_API_VERSION_DATE: '2025-01-01' }).whop.apiVersionDate,
      });
      await pinned.getCompany(TEST_APP.companyId);
      await pinned.listProducts(TEST_APP.companyId);
      expect(proxy.headers).to.have.length(2);
      for (const headers of proxy.headers) expect(headers['api-version-date']).to.equal('2025-01-01');
    });
  });

  describe('429 and other retryable answers', () => {
    it('waits the seconds Whop’s 429 body names when there is no Retry-After, then succeeds', async () => {
      proxy.answerNext(2, '/api/v1/companies', whop429(12));
      const company = await client().getCompany(TEST_APP.companyId);
      expect(company.id).to.equal(TEST_APP.companyId);
      expect(slept).to.deep.equal([12_000, 12_000]);
      expect(proxy.count('/api/v1/companies')).to.equal(3);
    });

    it('honours Retry-After when Whop sends it', async () => {
      proxy.answerNext(1, '/api/v1/companies', { ...whop429(12), headers: { 'retry-after': '3' } });
      await client().getCompany(TEST_APP.companyId);
      expect(slept).to.deep.equal([3_000]);
    });

    it('backs off exponentially when Whop names no delay, and gives up after the bounded attempts with a rate-limit error', async () => {
      proxy.answerNext(10, '/api/v1/companies', {
        status: 429,
        body: { error: { type: 'rate_limit_exceeded', message: 'Slow down.' } },
      });
      const error = await client()
        .getCompany(TEST_APP.companyId)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(WhopRateLimitError);
      expect((error as WhopRateLimitError).status).to.equal(429);
      expect(slept).to.deep.equal([500, 1_000, 2_000]);
      expect(proxy.count('/api/v1/companies')).to.equal(4);
    });

    it('caps the exponential backoff', async () => {
      proxy.answerNext(5, '/api/v1/companies', { status: 503, body: { error: { message: 'unavailable' } } });
      await client({ retry: { maxAttempts: 6, baseDelayMs: 1_000, maxBackoffMs: 3_000 } }).getCompany(
        TEST_APP.companyId,
      );
      expect(slept).to.deep.equal([1_000, 2_000, 3_000, 3_000, 3_000]);
    });

    it('does not wait out a delay longer than the policy allows: fails at once, saying when to retry', async () => {
      proxy.answerNext(1, '/api/v1/companies', whop429(120));
      const error = await client()
        .getCompany(TEST_APP.companyId)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(WhopRateLimitError);
      expect((error as WhopRateLimitError).retryAfterSeconds).to.equal(120);
      expect(slept).to.deep.equal([]);
      expect(proxy.count('/api/v1/companies')).to.equal(1);
    });

    it('retries only the page that was refused, not the whole list', async () => {
      const all = await client().listProducts(TEST_APP.companyId);
      proxy.reset();
      proxy.answerNext(1, /[?&]after=/, whop429(2));
      const paged = await client({ pageSize: 1 }).listProducts(TEST_APP.companyId);
      expect(paged.map((p) => p.id)).to.deep.equal(all.map((p) => p.id));
      expect(all.length).to.be.greaterThan(1);
      expect(slept).to.deep.equal([2_000]);
      const firstPages = proxy.requests.filter((r) => !/[?&]after=/.test(r));
      expect(firstPages).to.have.length(1);
    });

    it('does not retry an answer that will not change (404)', async () => {
      const error = await client()
        .getCompany('biz_nobody')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(WhopApiError);
      expect((error as WhopApiError).status).to.equal(404);
      expect(slept).to.deep.equal([]);
      expect(proxy.count('/api/v1/companies')).to.equal(1);
    });
  });
});
