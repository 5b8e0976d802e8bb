/**
 * The paths of Chronos that other parts name: where the sign-in routes, Whop's OAuth callback
 * and webhook deliveries are mounted, and what pages link to. Routes mount at them, the OAuth
 * client and the sandbox register them with Whop, views read them as `paths` (app.locals).
 */
const AUTH = '/api/whop/auth';

export const PATHS = {
  /** The sign-in routes (browser pages, though under /api). */
  auth: AUTH,
  login: `${AUTH}/login`,
  callback: `${AUTH}/callback`,
  logout: `${AUTH}/logout`,
  /** Whop's webhook deliveries. */
  webhook: '/api/whop/webhook',
  /** tus uploads of video files. */
  uploads: '/api/uploads',
} as const;

/** The sign-in link, coming back to `returnTo` (an already checked local path) afterwards. */
export function loginPath(returnTo?: string): string {
  return returnTo ? `${PATHS.login}?returnTo=${encodeURIComponent(returnTo)}` : PATHS.login;
}
