import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { approveAs, studentCount } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';

const FREE_VIDEO_LIMIT = 5;

describe('journey 1: a creator on the free tier', () => {
  let journey: Journey | undefined;
  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('signs in through the consent page, picks their company, installs Chronos on it, checks again, fills the video limit, finds analytics locked, and signs out', async () => {
    const { chronos, browser } = e2e();
    const { appUrl, sandboxUrl } = chronos;
    await new SandboxControl(sandboxUrl).reset();
    journey = await Journey.start(browser, 'j1-creator');
    const { page } = journey;

    // Landing → login → Whop's consent page.
    await journey.open(`${appUrl}/`, 'landing');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Your Whop courses, run properly.');
    await journey.click(page.getByRole('banner').getByRole('link', { name: 'Sign in' }), 'login');
    expect(new URL(page.url()).pathname).to.equal('/login');
    await journey.click(page.getByRole('link', { name: 'Sign in with Whop' }), 'whop-consent');
    expect(await page.locator('body').innerText()).to.contain('app_chronos_sandbox wants to sign you in');

    // Approve as the free creator: a new user lands on onboarding.
    await approveAs(journey, sandboxUrl, 'user_creator_free', 'onboarding');
    expect(page.url()).to.equal(`${appUrl}/dashboard`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Set up Chronos');
    expect(await page.getByRole('banner').innerText()).to.contain('Fran Free');

    // Pick biz_creator1 from the companies Whop lists: Chronos is not installed there yet.
    const choices = page.getByRole('group', { name: 'Your Whop companies' });
    expect(await choices.getByRole('radio').count()).to.equal(1);
    await choices.getByRole('radio', { name: /Creator One Academy/ }).check();
    await journey.click(page.getByRole('button', { name: 'Connect this company' }), 'install-step');
    expect(new URL(page.url()).pathname).to.equal('/onboarding/install');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal(
      'Install Chronos on Creator One Academy',
    );
    const installLink = page.getByRole('link', { name: 'Install Chronos on Whop' });
    expect(await installLink.getAttribute('href')).to.equal(`${sandboxUrl}/sandbox/apps/app_chronos_sandbox/install`);

    // Whop's install page opens in its own tab: install on Creator One Academy there.
    const [whopTab] = await Promise.all([journey.context.waitForEvent('page'), installLink.click()]);
    await whopTab.waitForLoadState();
    expect(await whopTab.getByRole('heading', { level: 1 }).innerText()).to.contain('Install');
    await whopTab.getByRole('radio', { name: /Creator One Academy/ }).check();
    await Promise.all([whopTab.waitForNavigation(), whopTab.getByRole('button', { name: 'Install' }).click()]);
    expect(await whopTab.getByRole('status').innerText()).to.contain('Installed on Creator One Academy');
    await whopTab.close();

    // Back on the install step (nothing brought the creator back by itself): Check again connects it,
    // and its two seeded members are imported as students.
    await journey.click(page.getByRole('button', { name: 'Check again' }), 'dashboard-connected');
    expect(page.url()).to.equal(`${appUrl}/dashboard`);
    expect(await page.getByRole('alert').innerText()).to.match(/We imported 2 students from Whop\./);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Creator One Academy');
    expect(await page.locator('.tier-name').innerText()).to.equal('Free');
    expect(await studentCount(journey)).to.equal(2);
    const students = await page.locator('#students tbody tr').allInnerTexts();
    expect(students.join('\n')).to.contain('user_student1').and.to.contain('user_student2');

    // Videos through the form, up to the free tier's limit.
    const videos = page.locator('#videos');
    for (let n = 1; n <= FREE_VIDEO_LIMIT; n += 1) {
      await videos.getByLabel('Title').fill(`Lesson ${n}`);
      await videos.getByLabel('Size (bytes)').fill(String(50 * 1024 * 1024));
      await videos.getByLabel('Duration (seconds)').fill('600');
      await journey.click(videos.getByRole('button', { name: 'Add video' }), `video-${n}-added`);
      expect(await page.getByRole('alert').innerText()).to.equal(`Added “Lesson ${n}”.`);
      expect(await videos.locator('tbody tr').count()).to.equal(n);
    }
    const videoUsage = page.locator('.usage', { hasText: 'Videos' });
    expect(await videoUsage.locator('.usage-value').innerText()).to.equal(`${FREE_VIDEO_LIMIT} / ${FREE_VIDEO_LIMIT}`);
    expect(await videoUsage.innerText()).to.contain('limit reached');

    // The sixth is refused with a message naming the limit and linking the upgrade; the form keeps what was typed.
    await videos.getByLabel('Title').fill('Lesson 6');
    await videos.getByLabel('Size (bytes)').fill(String(50 * 1024 * 1024));
    await videos.getByLabel('Duration (seconds)').fill('600');
    await journey.click(videos.getByRole('button', { name: 'Add video' }), 'video-6-refused');
    const refusal = await page.getByRole('alert').innerText();
    expect(refusal).to.contain('video limit').and.to.contain('free tier').and.to.contain(String(FREE_VIDEO_LIMIT));
    expect(await videos.locator('tbody tr').count()).to.equal(FREE_VIDEO_LIMIT);
    expect(await videos.innerText()).to.not.contain('Lesson 6');
    expect(await videos.getByLabel('Title').inputValue()).to.equal('Lesson 6');
    const upgrade = page.getByRole('alert').getByRole('link', { name: 'Upgrade your plan' });
    expect(await upgrade.isVisible()).to.equal(true);
    expect(await upgrade.getAttribute('href')).to.match(new RegExp(`^${sandboxUrl}/sandbox/checkout/prod_`));

    // Analytics is a Basic feature: the locked page, a 403, with its own upgrade link.
    await journey.click(page.getByRole('link', { name: 'Analytics', exact: true }), 'analytics-locked', {
      status: 403,
    });
    expect(new URL(page.url()).pathname).to.equal('/analytics');
    expect(await page.locator('.locked .eyebrow').textContent()).to.equal('Locked');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Analytics');
    expect(await journey.mainText()).to.contain('You are on Free');
    const unlock = page.getByRole('link', { name: /^Upgrade to Basic$/ });
    expect(await unlock.getAttribute('href')).to.match(new RegExp(`^${sandboxUrl}/sandbox/checkout/prod_basic`));

    // Sign out from the header: back on the landing page, signed out.
    await journey.click(page.getByRole('banner').getByRole('button', { name: 'Sign out' }), 'signed-out');
    expect(page.url()).to.equal(`${appUrl}/`);
    expect(await page.getByRole('link', { name: 'Sign in with Whop' }).isVisible()).to.equal(true);
    expect(await page.getByRole('banner').innerText()).to.not.contain('Fran Free');

    // The dashboard now asks them to sign in.
    await journey.open(`${appUrl}/dashboard`, 'dashboard-after-sign-out');
    const after = new URL(page.url());
    expect(after.pathname).to.equal('/login');
    expect(after.searchParams.get('returnTo')).to.equal('/dashboard');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Sign in');
  });
});
