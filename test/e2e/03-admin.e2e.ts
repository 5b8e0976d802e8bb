import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { signInWithWhop } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';
import { deliver, delivery, envelope } from '../support/webhook-deliveries.ts';

describe('journey 3: the admin', () => {
  let journey: Journey | undefined;
  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('opens the tier overview and its chart, watches a malformed event go dead, replays it and sees it queued again', async function () {
    // Many audited page loads (seven pages at two widths) on a shared 2-core machine.
    this.timeout(300_000);
    const { chronos, browser } = e2e();
    const control = new SandboxControl(chronos.sandboxUrl);
    await control.reset();
    journey = await Journey.start(browser, 'j3-admin');
    const { page } = journey;
    await signInWithWhop(journey, chronos, 'user_admin');

    // The header's Admin link: the tier overview with its server-rendered SVG chart.
    await journey.click(page.getByRole('banner').getByRole('link', { name: 'Admin' }), 'tier-overview');
    expect(page.url()).to.equal(`${chronos.appUrl}/admin/tiers`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Tier overview');
    const chart = page.locator('section:has(#distribution-heading) svg.chart-svg');
    expect(await chart.count(), 'the tier distribution chart').to.equal(1);
    expect(await chart.getAttribute('role')).to.equal('img');
    expect(await chart.isVisible()).to.equal(true);
    expect(await chart.locator('.chart-bars rect').count(), 'one bar per tier').to.equal(4);
    const tierRows = await Promise.all(
      (await page.locator('#per-tier tbody tr').all()).map((row) => row.getAttribute('data-tier')),
    );
    expect(tierRows).to.deep.equal(['free', 'basic', 'pro', 'enterprise']);

    // Whop (here: a correctly signed delivery) sends an event whose data is not a membership.
    const secret = await control.webhookSecret();
    const sent = delivery(
      envelope('membership.activated', 'biz_creator1', {
        id: 'not_a_membership',
        note: 'this object is not a membership',
      }),
    );
    const status = await deliver(chronos.appUrl, secret, sent);
    expect(status, 'the signed delivery is stored and acknowledged').to.equal(200);

    // The webhook page; the worker (inside the web process) marks the event dead.
    await journey.click(page.getByRole('link', { name: 'open webhooks and revenue' }), 'webhooks');
    expect(page.url()).to.equal(`${chronos.appUrl}/admin/webhooks`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Webhooks and revenue');
    const row = page.locator('#problems tbody tr', { hasText: sent.webhookId });
    await journey.reloadUntil(
      'webhooks-event-dead',
      async () => (await row.count()) === 1 && (await row.locator('.status').innerText()) === 'dead',
      {
        timeoutMs: 20_000,
        what: `event ${sent.webhookId} shown as dead`,
      },
    );
    expect(await row.innerText())
      .to.contain('membership.activated')
      .and.to.contain('data is not a membership');
    expect(await page.locator('.stat-dead .stat-value').innerText()).to.not.equal('0');

    // Replay it: the event's page shows the replay waiting, then how it ended.
    await journey.click(row.getByRole('button', { name: 'Replay' }), 'webhooks-replayed');
    expect(page.url()).to.equal(`${chronos.appUrl}/admin/webhooks/events/${sent.webhookId}`);
    expect(await page.getByRole('alert').innerText()).to.equal(
      `Event ${sent.webhookId} is queued again. This page shows how the replay ends.`,
    );
    await journey.reloadUntil(
      'webhook-event-replay-ended',
      async () => (await page.locator('#event-state').innerText()).includes('Failed for good'),
      { timeoutMs: 20_000, what: `the replay of ${sent.webhookId} ended` },
    );
    expect(await page.locator('#event-error').innerText()).to.contain('It can never succeed');
    const raw = page.locator('#event-error details.raw-error');
    expect(await raw.locator('code').isVisible(), 'the raw error starts folded').to.equal(false);
    await raw.locator('summary').click();
    expect(await raw.locator('code').innerText()).to.contain('PermanentEventError');

    // The tier overview, the event list (all, then filtered), the creators past due, and a creator's
    // page, at 1280 and 390 px.
    const pages = [
      ['tiers', `${chronos.appUrl}/admin/tiers`],
      ['webhooks', `${chronos.appUrl}/admin/webhooks`],
      ['webhooks-filtered', `${chronos.appUrl}/admin/webhooks?status=dead&type=membership.activated`],
      ['webhook-event', `${chronos.appUrl}/admin/webhooks/events/${encodeURIComponent(sent.webhookId)}`],
      ['past-due', `${chronos.appUrl}/admin/creators/past-due`],
    ] as const;
    const creatorId = await page.evaluate(async (url) => {
      const html = await (await fetch(url)).text();
      return /href="\/admin\/creators\/(\d+)"/.exec(html)?.[1] ?? null;
    }, `${chronos.appUrl}/admin/tiers`);
    const all: (readonly [string, string])[] = [...pages];
    if (creatorId) all.push(['creator', `${chronos.appUrl}/admin/creators/${creatorId}`]);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      for (const [step, url] of all) {
        await journey.open(url, `${step}-${width}px`);
        expect(await page.getByRole('heading', { level: 1 }).count(), `${step} at ${width} px`).to.equal(1);
      }
    }
    await journey.open(`${chronos.appUrl}/admin/creators/999999999`, 'creator-unknown', { status: 404 });
    await journey.open(`${chronos.appUrl}/admin/webhooks?status=exploded`, 'webhooks-bad-filter', { status: 400 });
    expect(await journey.mainText()).to.contain('Unknown status filter.');
  });
});
