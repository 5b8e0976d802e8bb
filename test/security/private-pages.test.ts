import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser } from '../support/test-browser.ts';

describe('private pages are never kept by a browser or a proxy', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  before(async () => (t = await startChronosWithSandbox()));
  after(() => t.close());

  it('answers every signed-in page and JSON with Cache-Control: no-store', async () => {
    const browser = await t.signIn('user_creator_free');
    for (const path of ['/dashboard', '/api/me']) {
      const response = await browser.get(`${t.appUrl}${path}`);
      expect(response.status, path).to.equal(200);
      expect(response.headers.get('cache-control'), path).to.equal('no-store');
    }
    // Whatever these answer this user (a page, a redirect, a refusal), it is not to be kept.
    for (const path of ['/onboarding', '/analytics', '/admin']) {
      expect((await browser.get(`${t.appUrl}${path}`)).headers.get('cache-control'), path).to.equal('no-store');
    }
  });

  it('answers public pages, refusals and redirects with no-store too (each carries a fresh nonce or token)', async () => {
    const stranger = new TestBrowser();
    for (const path of ['/', '/login', '/dashboard', '/no-such-page', '/healthz', '/readyz']) {
      const response = await stranger.get(`${t.appUrl}${path}`);
      expect(response.headers.get('cache-control'), path).to.equal('no-store');
    }
  });

  it('leaves the static files cacheable', async () => {
    const response = await new TestBrowser().get(`${t.appUrl}/static/css/app.css`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).not.to.contain('no-store');
  });
});
