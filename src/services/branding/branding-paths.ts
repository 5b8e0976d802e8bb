/**
 * Where a creator's branding is served: the logo and a one-rule stylesheet that sets the accent
 * (a stylesheet of this origin, so the strict CSP's `style-src 'self'` allows it with no inline
 * style). `v` changes with every save, so a new logo or colour shows at once despite caching.
 */
const base = (whopCompanyId: string) => `/branding/${encodeURIComponent(whopCompanyId)}`;

export function logoPath(whopCompanyId: string, version: number): string {
  return `${base(whopCompanyId)}/logo?v=${version}`;
}

export function accentStylesheetPath(whopCompanyId: string, version: number): string {
  return `${base(whopCompanyId)}/accent.css?v=${version}`;
}

export const SETTINGS_PATH = '/settings';
export const BRANDING_FORM_PATH = '/settings/branding';
export const LOGO_REMOVE_PATH = '/settings/branding/logo/delete';
/** The API tokens page (issue 17, point 3), linked from the settings page. */
export const API_TOKENS_PATH = '/settings/api';
