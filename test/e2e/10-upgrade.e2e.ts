import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { creatorOnDashboard } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';

describe('journey 10: a Free creator upgrades to Pro', () => {
  const journeys: Journey[] = [];
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });

  it('compares the plans, checks out Pro on Whop (the sandbox) and lands on "You\'re now on Pro"', async () => {
    const { chronos, browser } = e2e();
    await new SandboxControl(chronos.sandboxUrl).reset();
    const journey = await creatorOnDashboard(browser, 'j10-upgrade', chronos, 'user_creator_free', 'biz_creator1');
    journeys.push(journey);
    const { page } = journey;
    expect(await page.locator('.tier-name').innerText()).to.equal('Free');

    // The plan card links the comparison of the four plans.
    await journey.click(page.getByRole('link', { name: 'Compare plans and prices' }), 'pricing');
    expect(page.url()).to.equal(`${chronos.appUrl}/pricing`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Plans and pricing');
    const card = (tier: string) => page.locator(`article.tier-card[data-tier="${tier}"]`);
    expect(await card('free').innerText()).to.contain('Your plan');
    expect(await card('pro').innerText()).to.contain('$49.00');
    for (const tier of ['Basic', 'Pro', 'Enterprise'])
      expect(await page.getByRole('button', { name: `Upgrade to ${tier}` }).count(), tier).to.equal(1);

    // Whop's checkout of the Pro plan, opened from a checkout configuration made for this creator.
    await journey.click(page.getByRole('button', { name: 'Upgrade to Pro' }), 'whop-checkout');
    const checkout = new URL(page.url());
    expect(`${checkout.origin}${checkout.pathname}`).to.equal(`${chronos.sandboxUrl}/sandbox/checkout/prod_pro`);
    expect(checkout.searchParams.get('session')).to.match(/^ch_/);
    await page.getByLabel('Pay as').selectOption('user_creator_free');
    // The return page's own checks wait until the test has read it, so it cannot move on mid-read.
    let audited!: () => void;
    const auditDone = new Promise<void>((resolve) => (audited = resolve));
    await page.route('**/billing/return/status?*', async (route) => {
      await auditDone;
      await route.continue();
    });
    await journey.click(page.getByRole('button', { name: 'Pay', exact: true }), 'billing-return');

    // Whop sends the creator back; the page waits for the membership webhook, then says so.
    const back = new URL(page.url());
    expect(`${back.origin}${back.pathname}`).to.equal(`${chronos.appUrl}/billing/return`);
    expect(back.searchParams.get('tier')).to.equal('pro');
    expect(back.searchParams.get('status')).to.equal('succeeded');
    const heading = () => page.getByRole('heading', { level: 1 }).innerText();
    if ((await heading()) !== "You're now on Pro") {
      // Still waiting: the page's script asks Chronos until the webhook lands, then shows it. Its
      // held check goes on only once the wait for the page it leads to is in place.
      expect(await heading()).to.equal('Confirming your Pro plan');
      const nowOnPro = journey.waitForItsNavigation('now-on-pro');
      audited();
      await nowOnPro;
    } else audited();
    expect(await heading()).to.equal("You're now on Pro");
    await journey.click(page.getByRole('link', { name: 'Go to your dashboard' }), 'dashboard-pro');
    expect(await page.locator('.tier-name').innerText()).to.equal('Pro');
  });
});
