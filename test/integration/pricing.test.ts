/**
 * Plans and pricing (issue 17, point 5) over HTTP: the public `/pricing` page with Whop's plan
 * prices read from the sandbox, what a signed-in creator can do there, the page a creator
 * returns to after checkout, and Enterprise's support contact (point 4).
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { onboard } from '../support/onboarding.ts';
import { movableClock } from '../support/test-clock.ts';
import { eventually } from '../support/wait.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import type { Tier } from '../../src/domain/tier-table.ts';
import { tierCard } from '../support/pricing-page.ts';

/** The "Upgrade to …" form of a tier card: a CSRF-protected POST to /pricing/checkout naming the tier. */
const upgradeForm = (tier: string) =>
  new RegExp(
    `<form method="post" action="/pricing/checkout">\\s*<input type="hidden" name="_csrf" value="[^"]+">\\s*<input type="hidden" name="tier" value="${tier}">`,
  );
const anyUpgradeForm = /action="\/pricing\/checkout"/;

describe('plans and pricing', () => {
  let t: ChronosWithSandbox;
  const clock = movableClock();

  before(async () => {
    t = await startChronosWithSandbox({ services: { now: clock.now, whopSleep: async () => {} } });
  });
  beforeEach(async () => {
    clock.set(Date.now());
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
    await t.runtime.deps.services.cache.delete('plan-prices:v1');
    t.whopCalls.reset();
  });
  after(() => t.close());

  async function freeCreator(): Promise<TestBrowser> {
    const browser = await t.signIn('user_creator_free');
    await onboard(t, browser, 'biz_creator1');
    return browser;
  }

  /** Processes Whop's webhooks as they arrive until the creator's stored tier is `tier`. */
  async function tierBecomes(tier: Tier): Promise<void> {
    await eventually(
      async () => {
        await t.drain();
        return (await t.runtime.deps.models.Creator.findOne())?.tier === tier;
      },
      { what: `the tier ${tier} from the membership webhook` },
    );
  }

  /** The creator of biz_creator1, moved to `tier` in the database (the tier as webhooks would leave it). */
  async function creatorOn(tier: Tier): Promise<TestBrowser> {
    const browser = await freeCreator();
    await t.runtime.deps.models.Creator.update({ tier, tierUpdatedAt: new Date() }, { where: {} });
    return browser;
  }

  describe('GET /pricing', () => {
    it('signed out: compares the four tiers from the tier table, with Whop’s plan prices, cached', async () => {
      const page = await fetch(`${t.appUrl}/pricing`);
      const html = await page.text();
      expect(page.status).to.equal(200);
      expect(tierCard(html, 'free')).to.contain('<strong>Free</strong>').and.contain('5 videos');
      expect(tierCard(html, 'basic')).to.contain('$19.00').and.contain('per month').and.contain('50 videos');
      expect(tierCard(html, 'pro')).to.contain('$49.00').and.contain('Bulk upload');
      expect(tierCard(html, 'enterprise')).to.contain('$199.00').and.contain('Unlimited videos');
      expect(tierCard(html, 'basic')).to.contain('Analytics').and.not.contain('Bulk upload');
      expect(html).to.contain('Sign in to upgrade to Pro');
      expect(html).not.to.match(anyUpgradeForm);
      expect(html).not.to.contain('Your plan</span>');
      expect(t.whopCalls.count('/api/v1/plans')).to.equal(3);
      await (await fetch(`${t.appUrl}/pricing`)).text();
      expect(t.whopCalls.count('/api/v1/plans'), 'the second view is served from the cache').to.equal(3);
    });

    it('as a Free creator: marks the current plan and offers checkout for every higher tier', async () => {
      const creator = await freeCreator();
      const html = (await creator.get(`${t.appUrl}/pricing`)).text;
      expect(tierCard(html, 'free')).to.contain('Your plan');
      expect(tierCard(html, 'free')).not.to.match(anyUpgradeForm);
      expect(tierCard(html, 'basic')).to.match(upgradeForm('basic'));
      expect(tierCard(html, 'pro')).to.match(upgradeForm('pro'));
      expect(tierCard(html, 'enterprise')).to.match(upgradeForm('enterprise'));
      expect(html).not.to.contain('Sign in to upgrade');
    });

    it('as a Pro creator: offers only Enterprise, and links Whop’s manage page to change or cancel', async () => {
      const creator = await freeCreator();
      await t.control.pay('user_creator_free', 'prod_pro');
      await tierBecomes('pro');
      const membership = (await t.control.memberships()).find(
        (m) => m.user.id === 'user_creator_free' && m.product.id === 'prod_pro',
      )!;
      const html = (await creator.get(`${t.appUrl}/pricing`)).text;
      expect(tierCard(html, 'pro')).to.contain('Your plan');
      expect(tierCard(html, 'basic')).not.to.match(anyUpgradeForm);
      expect(tierCard(html, 'pro')).not.to.match(anyUpgradeForm);
      expect(tierCard(html, 'enterprise')).to.match(upgradeForm('enterprise'));
      expect(html).to.match(
        new RegExp(`<a href="[^"]*/sandbox/memberships#${membership.id}">manage your plan on Whop</a>`),
      );
    });

    it('still answers 200 when Whop cannot be reached, with "price shown at checkout"', async () => {
      t.whopCalls.answerNext(100, /\/api\/v1\/plans/, { status: 503, body: { error: { type: 'server_error' } } });
      const page = await fetch(`${t.appUrl}/pricing`);
      const html = await page.text();
      expect(page.status).to.equal(200);
      for (const tier of ['basic', 'pro', 'enterprise'] as const)
        expect(tierCard(html, tier)).to.contain('Price shown at checkout').and.not.contain('$');
      expect(tierCard(html, 'free')).to.contain('<strong>Free</strong>');
    });
  });

  describe('POST /pricing/checkout', () => {
    /** The creator's "Upgrade to …" form on /pricing, sent as the browser sends it. */
    async function upgrade(creator: TestBrowser, tier: string, extra: Record<string, string> = {}) {
      const csrf = formField((await creator.get(`${t.appUrl}/pricing`)).text, '_csrf')!;
      return creator.post(`${t.appUrl}/pricing/checkout`, { _csrf: csrf, tier, ...extra });
    }

    async function checkoutConfiguration(id: string) {
      const res = await fetch(`${t.sandbox.url}/api/v1/checkout_configurations/${id}`, {
        headers: { authorization: `Bearer ${t.sandbox.options.app.apiKey}` },
      });
      return (await res.json()) as { redirect_url: string; metadata: Record<string, string>; plan: { id: string } };
    }

    it('sends a Free creator to Whop’s checkout of Pro, which brings them back to "You\'re now on Pro"', async () => {
      const creator = await freeCreator();
      const started = await upgrade(creator, 'pro', { redirect_url: 'https://evil.example/steal' });
      expect(started.status).to.equal(303);
      const purchase = new URL(started.location!);
      expect(`${purchase.origin}${purchase.pathname}`).to.equal(`${t.sandbox.url}/sandbox/checkout/prod_pro`);
      const configuration = await checkoutConfiguration(purchase.searchParams.get('session')!);
      expect(configuration.redirect_url, 'built by Chronos, not from the form').to.equal(
        `${t.appUrl}/billing/return?tier=pro`,
      );
      expect(configuration.metadata).to.include({ chronos_tier: 'pro' });
      expect(t.whopCalls.count('/api/v1/checkout_configurations')).to.equal(1);

      const page = await creator.get(purchase);
      const paid = await creator.post(`${purchase.origin}${purchase.pathname}`, {
        _csrf: formField(page.text, '_csrf')!,
        session: formField(page.text, 'session')!,
        user: 'user_creator_free',
        outcome: 'succeeded',
      });
      expect(paid.status).to.equal(303);
      const back = new URL(paid.location!);
      expect(`${back.origin}${back.pathname}`).to.equal(`${t.appUrl}/billing/return`);
      expect(back.searchParams.get('status')).to.equal('succeeded');
      const waiting = await creator.get(back);
      expect(waiting.status).to.equal(200);
      expect(waiting.text).to.contain('Waiting for Whop to confirm your payment');
      await tierBecomes('pro');
      expect((await creator.get(back)).text).to.contain('You&#39;re now on Pro');
    });

    it('refuses without the CSRF token, a tier that is not paid, and a tier that is not higher, and makes no checkout', async () => {
      const creator = await freeCreator();
      const noToken = await creator.post(`${t.appUrl}/pricing/checkout`, { tier: 'pro' });
      expect(noToken.status).to.equal(403);
      for (const tier of ['free', 'gold', '']) {
        const refused = await upgrade(creator, tier);
        expect(refused.status, tier).to.equal(400);
        expect(refused.text).to.contain('Choose a paid plan to upgrade to.');
      }
      await t.runtime.deps.models.Creator.update({ tier: 'pro' }, { where: {} });
      for (const tier of ['basic', 'pro']) {
        const same = await upgrade(creator, tier);
        expect(same.status, tier).to.equal(400);
        expect(same.text).to.contain('You are on Pro, which already includes');
      }
      expect(t.whopCalls.count('/api/v1/checkout_configurations')).to.equal(0);
    });

    it('falls back to the tier’s configured checkout link when Whop refuses the configuration', async () => {
      const creator = await freeCreator();
      t.whopCalls.answerNext(1, /\/api\/v1\/checkout_configurations/, {
        status: 400,
        body: { error: { type: 'invalid_request_error', message: 'Plan is not available for checkout.' } },
      });
      const started = await upgrade(creator, 'enterprise');
      expect(started.status).to.equal(303);
      expect(new URL(started.location!).pathname).to.equal('/sandbox/checkout/prod_enterprise');
      expect(new URL(started.location!).search, 'the configured link, not a checkout configuration').to.equal('');
    });
  });

  describe('GET /billing/return', () => {
    it('waits for the webhook (refreshing), says when it is late, then says "You\'re now on Pro"', async () => {
      const creator = await freeCreator();
      await t.control.pay('user_creator_free', 'prod_pro');
      const waiting = await creator.get(`${t.appUrl}/billing/return?tier=pro`);
      expect(waiting.status).to.equal(200);
      expect(waiting.text).to.contain('Waiting for Whop to confirm your payment');
      expect(waiting.text, 'no timed refresh (WCAG 2.2.1)').not.to.contain('http-equiv="refresh"');
      expect(waiting.text).to.contain('<script type="module" src="/static/js/billing-return.js"></script>');
      const statusUrl = /data-status-url="([^"]+)"/.exec(waiting.text)![1]!.replace(/&amp;/g, '&');
      expect(statusUrl).to.match(/^\/billing\/return\/status\?tier=pro&since=\d+$/);
      const again = /data-refresh-url="([^"]+)"/.exec(waiting.text)![1]!.replace(/&amp;/g, '&');
      expect(again).to.match(/^\/billing\/return\?tier=pro&since=\d+$/);
      const status = async () => JSON.parse((await creator.get(`${t.appUrl}${statusUrl}`)).text) as object;
      expect(await status()).to.deep.equal({ tier: 'free', arrived: false, late: false });

      clock.advance(31_000);
      expect(await status(), "late on Chronos's clock").to.deep.equal({ tier: 'free', arrived: false, late: true });
      const late = await creator.get(`${t.appUrl}${again}`);
      expect(late.text).to.contain('taking longer than usual');
      expect(late.text).to.contain('data-late="true"');

      await tierBecomes('pro');
      const done = await creator.get(`${t.appUrl}${again}`);
      expect(done.text).to.contain('You&#39;re now on Pro');
      expect(done.text).not.to.contain('billing-return.js');
      expect(await status()).to.deep.equal({ tier: 'pro', arrived: true, late: false });
    });

    it('refuses a return link without a paid tier, and sends strangers to sign in', async () => {
      const creator = await freeCreator();
      expect((await creator.get(`${t.appUrl}/billing/return?tier=free`)).status).to.equal(400);
      expect((await creator.get(`${t.appUrl}/billing/return?tier=gold`)).status).to.equal(400);
      const stranger = await fetch(`${t.appUrl}/billing/return?tier=pro`, { redirect: 'manual' });
      expect(stranger.status).to.equal(302);
      expect(stranger.headers.get('location')).to.match(/^\/login\?returnTo=/);
    });
  });

  describe('the dashboard plan card', () => {
    it('names features in words, links /pricing, and explains AI credits and their reset', async () => {
      const creator = await creatorOn('pro');
      const html = (await creator.get(`${t.appUrl}/dashboard`)).text;
      expect(html).to.contain(
        'Features: Video upload, Analytics, Course builder, Bulk upload, Custom branding, API access</p>',
      );
      expect(html).to.contain('<a href="/pricing">');
      expect(html).to.contain("A monthly allowance for Chronos's AI services".replace("'", '&#39;'));
      expect(html).to.match(/Next reset: 1 [A-Z][a-z]{2} \d{4}/);
    });

    it('shows the AI credits used per day this month (the injected clock)', async () => {
      // Signed in first, at the sandbox's time (the id_token's iat is checked against the clock).
      const creator = await creatorOn('basic');
      const csrf = JSON.parse((await creator.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
      clock.set(Date.parse('2026-12-03T10:00:00Z'));
      const spend = (amount: number) =>
        creator.request(`${t.appUrl}/api/ai/credits`, { json: { amount }, headers: { 'x-csrf-token': csrf } });
      expect((await spend(12)).status).to.equal(200);
      clock.advance(86_400_000);
      expect((await spend(30)).status).to.equal(200);
      expect((await spend(4)).status).to.equal(200);
      const html = (await creator.get(`${t.appUrl}/dashboard`)).text;
      expect(html).to.contain('AI credits used per day this month (UTC)');
      expect(html).to.match(/<tr><td>3 Dec 2026<\/td><td>12<\/td><\/tr>\s*<tr><td>4 Dec 2026<\/td><td>34<\/td><\/tr>/);
      expect(html).to.contain('Next reset: 1 Jan 2027');
      clock.set(Date.parse('2027-01-02T10:00:00Z'));
      const nextMonth = (await creator.get(`${t.appUrl}/dashboard`)).text;
      expect(nextMonth).to.contain('No AI credits used this month.');
    });

    it('shows no support contact and promises no priority support without SUPPORT_EMAIL', async () => {
      const creator = await creatorOn('enterprise');
      const dashboard = (await creator.get(`${t.appUrl}/dashboard`)).text;
      const pricing = (await creator.get(`${t.appUrl}/pricing`)).text;
      for (const html of [dashboard, pricing]) {
        expect(html).not.to.match(/priority support/i);
        expect(html).not.to.contain('mailto:');
      }
    });
  });
});

describe('priority support with SUPPORT_EMAIL set', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox({ env: { SUPPORT_EMAIL: 'help@chronos.test' } });
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  async function creatorOn(tier: Tier): Promise<TestBrowser> {
    const browser = await t.signIn('user_creator_free');
    await onboard(t, browser, 'biz_creator1');
    await t.runtime.deps.models.Creator.update({ tier, tierUpdatedAt: new Date() }, { where: {} });
    return browser;
  }

  it('shows the support contact on the dashboard of an Enterprise creator only', async () => {
    const pro = await creatorOn('pro');
    const proDashboard = (await pro.get(`${t.appUrl}/dashboard`)).text;
    expect(proDashboard).not.to.contain('mailto:help@chronos.test');
    expect(proDashboard).not.to.match(/priority support/i);
    await t.runtime.deps.models.Creator.update({ tier: 'enterprise' }, { where: {} });
    const dashboard = (await pro.get(`${t.appUrl}/dashboard`)).text;
    expect(dashboard).to.contain('<a href="mailto:help@chronos.test">help@chronos.test</a>');
    expect(dashboard).to.contain(
      'Features: Video upload, Analytics, Course builder, Bulk upload, Custom branding, API access, Priority support</p>',
    );
  });

  it('promises priority support on the Enterprise plan of the pricing page, and nowhere else', async () => {
    const html = await (await fetch(`${t.appUrl}/pricing`)).text();
    expect(tierCard(html, 'enterprise')).to.contain('Priority support');
    for (const tier of ['free', 'basic', 'pro'] as const)
      expect(tierCard(html, tier)).not.to.match(/priority support/i);
  });
});
