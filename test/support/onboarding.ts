/**
 * Onboarding as a creator does it, for tests that need a creator: the app installed on the
 * company by its admin (the sandbox's control API, as the install page would), then the
 * company picked on Chronos's onboarding page.
 */
import type { ChronosWithSandbox } from './chronos-with-sandbox.ts';
import { formField, type BrowserResponse, type TestBrowser } from './test-browser.ts';

/** Installs the app on `companyId` as `adminUserId` unless it is installed already. */
export async function ensureInstalled(t: Pick<ChronosWithSandbox, 'control'>, companyId: string, adminUserId: string): Promise<void> {
  if (!(await t.control.installedCompanies()).includes(companyId)) await t.control.install(companyId, adminUserId);
}

/** Picks `companyId` on the onboarding page (with its CSRF token); returns the answer. */
export async function pickCompany(t: Pick<ChronosWithSandbox, 'appUrl'>, browser: TestBrowser, companyId: string, extra: Record<string, string> = {}): Promise<BrowserResponse> {
  const page = await browser.get(`${t.appUrl}/onboarding`);
  const csrf = formField(page.text, '_csrf');
  if (!csrf) throw new Error(`no onboarding form: ${page.status}\n${page.text.slice(0, 500)}`);
  return browser.post(`${t.appUrl}/onboarding`, { _csrf: csrf, companyId, ...extra });
}

/** The signed-in admin of `companyId` installs the app there (if needed) and becomes its creator. */
export async function onboardCreator(t: Pick<ChronosWithSandbox, 'appUrl' | 'control'>, browser: TestBrowser, companyId: string, adminUserId: string): Promise<void> {
  await ensureInstalled(t, companyId, adminUserId);
  const answer = await pickCompany(t, browser, companyId);
  if (answer.status !== 303) throw new Error(`onboarding failed: ${answer.status} ${answer.text.slice(0, 500)}`);
}

/** Who administers a company on Whop (the sandbox has no control call for it; its state is changed directly). */
export function setCompanyAdmins(t: Pick<ChronosWithSandbox, 'sandbox'>, companyId: string, adminUserIds: string[]): void {
  const company = t.sandbox.sandbox.state.getCompany(companyId);
  if (!company) throw new Error(`no company ${companyId} in the sandbox`);
  company.admin_user_ids = [...adminUserIds];
}
