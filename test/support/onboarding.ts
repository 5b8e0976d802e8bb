/**
 * Onboarding as a creator does it, for tests that need a creator: the app installed on the
 * company by its admin (the sandbox's control API, as the install page would), then the
 * company picked on Chronos's onboarding page.
 */
import type { ChronosWithSandbox } from './chronos-with-sandbox.ts';
import { formField, type BrowserResponse, type TestBrowser } from './test-browser.ts';
import { until } from './wait.ts';

/** Installs the app on `companyId` as `adminUserId` unless it is installed already. */
export async function ensureInstalled(
  t: Pick<ChronosWithSandbox, 'control'>,
  companyId: string,
  adminUserId: string,
): Promise<void> {
  if (!(await t.control.installedCompanies()).includes(companyId)) await t.control.install(companyId, adminUserId);
}

/**
 * Installs the app on `companyId` (unless it is installed) and lets the `app_installation.created`
 * webhook Whop then sends reach Chronos and be processed, then forgets it (its inbox row and the
 * Whop calls it made), so a test that counts events or Whop calls starts from zero.
 */
export async function installSettled(
  t: Pick<ChronosWithSandbox, 'control' | 'runtime' | 'drain' | 'whopCalls'>,
  companyId: string,
  adminUserId: string,
): Promise<void> {
  if ((await t.control.installedCompanies()).includes(companyId)) return;
  await t.control.install(companyId, adminUserId);
  const { WebhookEvent } = t.runtime.deps.models;
  const where = { type: 'app_installation.created', companyId };
  await until(
    async () => {
      await t.drain();
      return (await WebhookEvent.count({ where: { ...where, status: 'processed' } })) > 0;
    },
    { what: `the app_installation.created of ${companyId}`, intervalMs: 20 },
  );
  await WebhookEvent.destroy({ where });
  t.whopCalls.reset();
}

/** Picks `companyId` on the onboarding page (with its CSRF token); returns the answer. */
export async function pickCompany(
  t: Pick<ChronosWithSandbox, 'appUrl'>,
  browser: TestBrowser,
  companyId: string,
  extra: Record<string, string> = {},
): Promise<BrowserResponse> {
  const page = await browser.get(`${t.appUrl}/onboarding`);
  const csrf = formField(page.text, '_csrf');
  if (!csrf) throw new Error(`no onboarding form: ${page.status}\n${page.text.slice(0, 500)}`);
  return browser.post(`${t.appUrl}/onboarding`, { _csrf: csrf, companyId, ...extra });
}

/** Who administers the sandbox's seeded creator companies. */
export const SEEDED_COMPANY_ADMINS: Readonly<Record<string, string>> = {
  biz_creator1: 'user_creator_free',
  biz_creator2: 'user_creator_pro',
};

/**
 * The signed-in admin of `companyId` becomes its creator: with the sandbox's control API at
 * hand, the admin (the seeded one unless named) installs the app there first, as on Whop;
 * then the company is picked on the onboarding page, and Chronos must answer with the dashboard.
 * Without a control API (a Chronos process of its own), the app is taken as installed.
 */
export async function onboard(
  t: Pick<ChronosWithSandbox, 'appUrl'> & Partial<Pick<ChronosWithSandbox, 'control'>>,
  browser: TestBrowser,
  companyId: string,
  adminUserId: string | undefined = SEEDED_COMPANY_ADMINS[companyId],
): Promise<void> {
  if (t.control && adminUserId) await ensureInstalled({ control: t.control }, companyId, adminUserId);
  const answer = await pickCompany(t, browser, companyId);
  if (answer.status !== 303 || answer.location !== `${t.appUrl}/dashboard`)
    throw new Error(`onboarding ${companyId} → ${answer.status} ${answer.location}\n${answer.text.slice(0, 500)}`);
}

/** Who administers a company on Whop (the sandbox has no control call for it; its state is changed directly). */
export function setCompanyAdmins(
  t: Pick<ChronosWithSandbox, 'sandbox'>,
  companyId: string,
  adminUserIds: string[],
): void {
  const company = t.sandbox.sandbox.state.getCompany(companyId);
  if (!company) throw new Error(`no company ${companyId} in the sandbox`);
  company.admin_user_ids = [...adminUserIds];
}
