/** Signing in with Whop the way a person does: the app's button, the sandbox's consent page, Approve. */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { Journey } from './journey.ts';

/** On the sandbox's consent page: picks the seeded user's radio button and approves. */
export async function approveAs(journey: Journey, sandboxUrl: string, whopUserId: string, step: string): Promise<void> {
  const { page } = journey;
  expect(page.url(), 'the consent page is the sandbox').to.match(new RegExp(`^${sandboxUrl}/oauth/authorize\\?`));
  expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Sign in with Whop');
  // The radio's label ends with the user's id: "Fran Free @creator_free · … · user_creator_free".
  await page.getByRole('radio', { name: new RegExp(`· ${whopUserId}$`) }).check();
  await journey.click(page.getByRole('button', { name: 'Approve' }), step);
}

/** From the app's /login page through the consent page; lands where the app sends a new session. */
export async function signInWithWhop(
  journey: Journey,
  urls: { appUrl: string; sandboxUrl: string },
  whopUserId: string,
): Promise<void> {
  await journey.open(`${urls.appUrl}/login`, 'login');
  await journey.click(journey.page.getByRole('link', { name: 'Sign in with Whop' }), 'whop-consent');
  await approveAs(journey, urls.sandboxUrl, whopUserId, 'signed-in');
  expect(new URL(journey.page.url()).origin, 'back in the app').to.equal(urls.appUrl);
}

/**
 * On the sandbox's install page (Whop's `https://whop.com/apps/<app id>/install/`), as the user who
 * approved the sign-in in this browser: installs the app on `companyId` (a no-op when it already is).
 */
export async function installOnWhop(
  journey: Journey,
  sandboxUrl: string,
  companyId: string,
  step: string,
): Promise<void> {
  const { page } = journey;
  await journey.open(`${sandboxUrl}/sandbox/apps/app_chronos_sandbox/install`, `${step}-page`);
  await page.locator(`input[name="company_id"][value="${companyId}"]`).check();
  await journey.click(page.getByRole('button', { name: 'Install' }), step);
  expect(await page.getByRole('status').innerText()).to.contain('Installed on');
}

/** The students count in the creator dashboard's heading, "Students (N)". */
export async function studentCount(journey: Journey): Promise<number> {
  const heading = await journey.page.locator('#students h2').innerText();
  const match = /Students\s*\((\d+)\)/.exec(heading);
  if (!match) throw new Error(`no student count in "${heading}"`);
  return Number(match[1]);
}

/**
 * A creator's own journey that ends on their dashboard: signs in, and connects the company if
 * the app shows onboarding (installing Chronos on it in Whop's tab when asked to; whether or not
 * an earlier journey already did does not matter).
 */
export async function creatorOnDashboard(
  browser: Browser,
  name: string,
  urls: { appUrl: string; sandboxUrl: string },
  whopUserId: string,
  companyId: string,
): Promise<Journey> {
  const journey = await Journey.start(browser, name);
  await signInWithWhop(journey, urls, whopUserId);
  const { page } = journey;
  expect(new URL(page.url()).pathname).to.equal('/dashboard');
  if ((await page.getByRole('heading', { name: 'Set up Chronos' }).count()) > 0) {
    await page.locator(`input[name="companyId"][value="${companyId}"]`).check();
    await journey.click(page.getByRole('button', { name: 'Connect this company' }), 'company-picked');
    if (new URL(page.url()).pathname === '/onboarding/install') {
      // Not installed yet: the creator installs Chronos in Whop's tab, then checks again.
      const [whopTab] = await Promise.all([
        journey.context.waitForEvent('page'),
        page.getByRole('link', { name: 'Install Chronos on Whop' }).click(),
      ]);
      await whopTab.waitForLoadState();
      await whopTab.locator(`input[name="company_id"][value="${companyId}"]`).check();
      await Promise.all([whopTab.waitForNavigation(), whopTab.getByRole('button', { name: 'Install' }).click()]);
      await whopTab.close();
      await journey.click(page.getByRole('button', { name: 'Check again' }), 'onboarded');
    }
  }
  expect(await page.locator('.page-head .eyebrow').textContent(), 'the creator dashboard').to.equal(
    'Creator dashboard',
  );
  expect(await page.locator('main').textContent(), "the company's id, in the ids section").to.contain(companyId);
  return journey;
}
