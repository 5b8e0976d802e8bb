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

  it('signs in through the consent page, picks their company, installs Chronos on it, checks again, opens the video library, whose picker refuses a file that is not a video, finds analytics locked, and signs out', async () => {
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
    expect(students.join('\n')).to.contain('@student1').and.to.contain('@student2');
    // The dashboard at 390 px (a phone), for docs/screenshots/ (npm run docs:screenshots).
    await page.setViewportSize({ width: 390, height: 800 });
    await journey.reload('dashboard-390px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Videos: the dashboard links the library, whose uploader says what the Free plan has room for.
    await journey.click(page.getByRole('link', { name: 'Upload and manage videos' }), 'video-library');
    expect(new URL(page.url()).pathname).to.equal('/dashboard/videos');
    const upload = page.locator('#upload');
    expect(await upload.innerText()).to.contain(
      `Your Free plan has room for ${FREE_VIDEO_LIMIT} more videos and 1 GB of storage.`,
    );
    const bulk = upload.getByRole('link', { name: 'Pro unlocks bulk upload' });
    expect(await bulk.getAttribute('href')).to.equal(`${appUrl}/pricing#plan-pro`);
    const picker = page.getByLabel('Choose a video file');
    expect(await picker.getAttribute('multiple'), 'one file at a time below Pro').to.equal(null);

    // A file that is not a video is refused in the browser, before a byte is sent.
    const uploadRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/uploads')) uploadRequests.push(request.method());
    });
    await picker.setInputFiles({
      name: 'notes.mp4',
      mimeType: 'video/mp4',
      buffer: Buffer.from('These are my lecture notes, not a video.'),
    });
    await page.locator('#upload-problems li').waitFor();
    expect(await page.locator('#upload-problems').innerText()).to.contain(
      '“notes.mp4” is not an MP4, WebM or QuickTime video, so it was not uploaded.',
    );
    expect(await page.locator('#upload-queue li').count()).to.equal(0);
    expect(uploadRequests).to.deep.equal([]);
    await journey.click(page.getByRole('banner').getByRole('link', { name: 'Dashboard' }), 'dashboard-again');

    // Analytics is a Basic feature: the locked page, a 403, with its own upgrade link.
    await journey.click(
      page.getByRole('main').getByRole('link', { name: 'Analytics', exact: true }),
      'analytics-locked',
      {
        status: 403,
      },
    );
    expect(new URL(page.url()).pathname).to.equal('/analytics');
    expect(await page.locator('.locked .eyebrow').textContent()).to.equal('Locked');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Analytics');
    expect(await journey.mainText()).to.contain('You are on Free');
    const unlock = page.getByRole('link', { name: /^Upgrade to Basic$/ });
    expect(await unlock.getAttribute('href')).to.equal(`${appUrl}/pricing#plan-basic`);

    // Sign out from the header: back on the landing page, signed out.
    await journey.click(page.getByRole('banner').getByRole('button', { name: 'Sign out' }), 'signed-out');
    expect(page.url()).to.equal(`${appUrl}/`);
    expect(await page.getByRole('link', { name: 'Sign in with Whop' }).isVisible()).to.equal(true);
    expect(await page.getByRole('banner').innerText()).to.not.contain('Fran Free');

    // Back, to the page before signing out: the browser kept nothing (no-store, no back/forward
    // cache), so it asks the server again, which asks for a sign-in; nothing of the creator shows.
    const back = await page.goBack();
    expect(back, 'Back loads the page again from the server').to.not.equal(null);
    expect(new URL(page.url()).pathname).to.equal('/login');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Sign in');
    expect(await page.locator('body').innerText()).to.not.contain('Fran Free');
    expect(await page.content()).to.not.contain('Creator One Academy');

    // The dashboard now asks them to sign in.
    await journey.open(`${appUrl}/dashboard`, 'dashboard-after-sign-out');
    const after = new URL(page.url());
    expect(after.pathname).to.equal('/login');
    expect(after.searchParams.get('returnTo')).to.equal('/dashboard');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Sign in');
  });
});
