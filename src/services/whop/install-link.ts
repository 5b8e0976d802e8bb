/**
 * Where a creator installs Chronos on their company. Whop's direct install link is
 * `https://whop.com/apps/<app id>/install/` (docs.whop.com/apps/api/permissions). Outside
 * production, with an OAuth issuer that is not Whop's (the sandbox), the sandbox's copy of
 * that page at the issuer's origin, as the sandbox's other pages are reached.
 */
export const WHOP_ISSUER_ORIGIN = 'https://api.whop.com';

export function whopInstallUrl(settings: { isProduction: boolean; oauthIssuer: string; appId: string }): string {
  const app = encodeURIComponent(settings.appId);
  const issuer = new URL(settings.oauthIssuer).origin;
  if (settings.isProduction || issuer === WHOP_ISSUER_ORIGIN) return `https://whop.com/apps/${app}/install/`;
  return `${issuer}/sandbox/apps/${app}/install`;
}
