/**
 * Journey 8: custom branding (issue 17, point 2). A Pro creator opens Settings, is refused an SVG
 * logo and an invalid colour (errors by the fields, nothing saved), then sets a PNG logo and an
 * accent colour; their student sees both on the course page, under the strict CSP. On Whop the
 * creator's Pro plan ends and they take Basic: the student's page loses the branding, and the
 * creator's settings show it locked, kept, with the link to the plans.
 */
import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { creatorOnDashboard, signInWithWhop } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';
import { eventually } from '../support/wait.ts';
import { PNG_LOGO, SVG_LOGO } from '../support/logo-fixtures.ts';

const ACCENT = '#0b5394';

/** The course page's banner as the browser draws it. */
async function banner(journey: Journey) {
  const locator = journey.page.locator('#brand-banner');
  if ((await locator.count()) === 0) return null;
  return locator.evaluate((element) => {
    const style = (
      globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string; color: string } }
    ).getComputedStyle(element);
    const img = (
      element as unknown as { querySelector(s: string): { naturalWidth: number; alt: string } | null }
    ).querySelector('img');
    return { background: style.backgroundColor, color: style.color, logoWidth: img?.naturalWidth ?? 0, alt: img?.alt };
  });
}

describe('journey 8: custom branding', () => {
  const journeys: Journey[] = [];
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });

  it('a Pro creator sets a logo and a colour, their student sees them, and a downgrade hides but keeps them', async function () {
    this.timeout(180_000);
    const { chronos, browser } = e2e();
    const sandbox = new SandboxControl(chronos.sandboxUrl);
    await sandbox.reset();
    await sandbox.createMembership('user_student2', 'prod_course2');

    const creator = await creatorOnDashboard(browser, 'j8-creator', chronos, 'user_creator_pro', 'biz_creator2');
    journeys.push(creator);
    const { page } = creator;
    await creator.open(`${chronos.appUrl}/settings`, 'settings');
    expect(await page.getByRole('link', { name: 'API tokens' }).getAttribute('href')).to.equal('/settings/api');

    // Bad input: an SVG logo and a colour that is not #rrggbb. Both are named by their fields; nothing is saved.
    await page.getByLabel('Accent colour').fill('red');
    await page.getByLabel('Logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: SVG_LOGO });
    await creator.click(page.getByRole('button', { name: 'Save branding' }), 'refused', { status: 422 });
    expect(await page.locator('#accent-color-error').innerText()).to.contain('six hexadecimal digits');
    expect(await page.locator('#logo-file-error').innerText()).to.equal(
      'SVG logos are not accepted. Choose a PNG, JPEG or WebP image.',
    );
    expect(await page.getByLabel('Accent colour').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.locator('.current-logo').count(), 'no logo was stored').to.equal(0);

    await page.getByLabel('Accent colour').fill(ACCENT);
    await page.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG_LOGO });
    await creator.click(page.getByRole('button', { name: 'Save branding' }), 'saved');
    expect(await page.getByRole('alert').innerText()).to.contain('Your branding is saved.');
    expect(
      await page
        .getByRole('img', { name: 'Your current logo' })
        .evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
    ).to.equal(1);

    // The student (their membership reached Chronos by webhook or by the onboarding import).
    const student = await Journey.start(browser, 'j8-student');
    journeys.push(student);
    await signInWithWhop(student, { appUrl: chronos.appUrl, sandboxUrl: chronos.sandboxUrl }, 'user_student2');
    const courseUrl = `${chronos.appUrl}/courses/biz_creator2`;
    await eventually(async () => (await student.page.request.get(courseUrl)).status() === 200, {
      what: "the student's access to biz_creator2",
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    await student.open(courseUrl, 'course-branded');
    const shown = await banner(student);
    expect(shown).to.deep.include({ background: 'rgb(11, 83, 148)', color: 'rgb(255, 255, 255)', logoWidth: 1 });
    expect(shown!.alt).to.match(/ logo$/);

    // On Whop the creator's Pro plan ends and they buy Basic.
    const pro = (await sandbox.memberships()).find(
      (m) => m.user.id === 'user_creator_pro' && m.product.id === 'prod_pro',
    );
    expect(pro, "the creator's Pro membership in the sandbox").to.not.equal(undefined);
    await sandbox.setStatus(pro!.id, 'expired');
    await sandbox.createMembership('user_creator_pro', 'prod_basic');
    await creator.reloadUntil(
      'settings-basic',
      async () =>
        (await page.getByText('Custom branding is locked.').count()) > 0 &&
        (await page.getByText('You are on Basic.').count()) > 0,
      { timeoutMs: 30_000, intervalMs: 500, what: 'the downgrade to Basic' },
    );
    expect(await page.getByText('Your saved branding is kept').count()).to.equal(1);
    expect(await page.getByRole('link', { name: 'See plans and upgrade' }).getAttribute('href')).to.equal('/pricing');
    expect(await page.getByLabel('Accent colour').count(), 'no form below Pro').to.equal(0);

    await student.reload('course-unbranded');
    expect(await banner(student)).to.equal(null);
    expect(await student.page.locator('link[href^="/branding/"]').count()).to.equal(0);

    // Back on Pro: the kept branding shows again, unchanged.
    await sandbox.createMembership('user_creator_pro', 'prod_pro');
    await student.reloadUntil('course-branded-again', async () => (await banner(student)) !== null, {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'the upgrade back to Pro',
    });
    expect(await banner(student)).to.deep.include({ background: 'rgb(11, 83, 148)', logoWidth: 1 });
  });
});
