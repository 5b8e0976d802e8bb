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

/**
 * Watching. A creator's course is addressed by their Whop company id (`biz_…`): stable (a
 * company keeps it for life, unlike its name or route slug), already public (it is in Whop's own
 * URLs and in webhooks), and unique per creator on Chronos. Video ids are our row ids: knowing
 * one grants nothing, every page and media request is authorised on its own.
 */
export function coursePath(whopCompanyId: string): string {
  return `/courses/${encodeURIComponent(whopCompanyId)}`;
}

export function playerPath(whopCompanyId: string, videoId: number): string {
  return `${coursePath(whopCompanyId)}/videos/${videoId}`;
}

/** The video's bytes (disk: streamed with Range; S3: a redirect to a presigned GET). */
export function mediaPath(videoId: number): string {
  return `/media/videos/${videoId}`;
}

/** Where the player saves the position (JSON API, CSRF token in a header or the `_csrf` field). */
export function progressPath(videoId: number): string {
  return `/api/videos/${videoId}/progress`;
}

/** A lesson of one of the creator's published courses (the player with the lesson's text). */
export function lessonPath(whopCompanyId: string, lessonId: number): string {
  return `${coursePath(whopCompanyId)}/lessons/${lessonId}`;
}
