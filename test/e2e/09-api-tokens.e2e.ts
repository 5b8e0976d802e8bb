/**
 * Journey 9: the creator API. A Pro creator opens the API tokens page, creates a token, copies
 * it from the page (shown once) and calls the API with it from outside the browser; the
 * browser's own session gets 401 there; a reload no longer shows the token; revoking it stops
 * it. At the tier boundary, a Free creator's page says API access needs Pro and offers no form.
 * (A downgrade of a creator who has tokens is covered at database level in
 * test/integration/creator-api.test.ts.)
 */
import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import type { Journey } from './support/journey.ts';
import { creatorOnDashboard } from './support/whop-sign-in.ts';

const SETTINGS = '/settings/api';

describe('journey 9: API tokens', () => {
  let journey: Journey | undefined;
  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('lets a Pro creator create a token on the settings page and call the API with it', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j9-pro', chronos, 'user_creator_pro', 'biz_creator2');
    const { page } = journey;
    await journey.open(`${chronos.appUrl}${SETTINGS}`, 'api-settings');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('API tokens');

    await page.getByRole('textbox', { name: 'Name' }).fill('Journey script');
    await page.getByRole('radio', { name: 'Read only' }).check();
    await journey.click(page.getByRole('button', { name: 'Create token' }), 'token-created', { status: 201 });
    const token = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
    expect(token).to.match(/^chr_[A-Za-z0-9_-]{43}$/);

    const call = (path: string) =>
      fetch(`${chronos.appUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    const me = await call('/me');
    expect(me.status).to.equal(200);
    expect(me.headers.get('cache-control')).to.equal('no-store');
    const body = (await me.json()) as { creator: { whopCompanyId: string; tier: string }; token: { name: string } };
    expect(body.creator).to.include({ whopCompanyId: 'biz_creator2', tier: 'pro' });
    expect(body.token.name).to.equal('Journey script');
    expect((await call('/videos')).status).to.equal(200);
    expect((await call('/usage')).status).to.equal(200);

    // The browser's session (its cookie goes along) does not authenticate the API.
    const withCookie = await page.request.get(`${chronos.appUrl}/api/v1/me`);
    expect(withCookie.status()).to.equal(401);
    expect(((await withCookie.json()) as { error: string }).error).to.equal('missing_token');

    // Back to the page (a reload would repeat the POST): the token is not shown again.
    await journey.open(`${chronos.appUrl}${SETTINGS}`, 'token-hidden');
    expect(await page.content()).not.to.contain(token);
    const item = page.locator('.token-item', { hasText: 'Journey script' });
    expect(await item.innerText()).to.contain(`${token.slice(0, 12)}…`);
    expect(await item.locator('.token-last-used').innerText()).not.to.contain('never');

    await journey.click(item.getByRole('button', { name: /Revoke/ }), 'token-revoked');
    // Said in the token list, where Revoke was pressed (journey 12 checks focus and viewport).
    expect(await page.locator('#tokens .notice').innerText()).to.contain('Revoked “Journey script”');
    const revoked = await call('/me');
    expect(revoked.status).to.equal(401);
    expect(((await revoked.json()) as { error: string }).error).to.equal('revoked_token');
  });

  it('tells a Free creator that API access needs the Pro plan and offers no token form', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j9-free', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    await journey.open(`${chronos.appUrl}${SETTINGS}`, 'api-settings-free');
    expect(await page.locator('#api-locked').innerText()).to.contain('API access needs the Pro plan; you are on Free.');
    expect(await page.getByRole('button', { name: 'Create token' }).count()).to.equal(0);
  });
});
