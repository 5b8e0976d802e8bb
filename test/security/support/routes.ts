/** Every route of the Chronos app (src/app.ts and src/routes/*), as the security tests address them. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  /** Mounted after the body parsers (so a broken or oversized body is refused before it runs). */
  parsesBody: boolean;
}

/**
 * The id in the video library's paths: the security cast's first video (creator A's, made
 * right after the tables are emptied), so the library routes are addressed with a real video.
 */
export const LIBRARY_VIDEO_ID = 1;

export const GET_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/', parsesBody: true },
  { method: 'GET', path: '/login', parsesBody: true },
  { method: 'GET', path: '/healthz', parsesBody: false },
  { method: 'GET', path: '/readyz', parsesBody: false },
  { method: 'GET', path: '/static/css/app.css', parsesBody: false },
  { method: 'GET', path: '/static/vendor/tus.min.js', parsesBody: false },
  { method: 'GET', path: '/dashboard', parsesBody: true },
  { method: 'GET', path: '/dashboard/videos', parsesBody: true },
  { method: 'GET', path: `/dashboard/videos/${LIBRARY_VIDEO_ID}/delete`, parsesBody: true },
  { method: 'GET', path: '/analytics', parsesBody: true },
  { method: 'GET', path: '/admin/tiers', parsesBody: true },
  { method: 'GET', path: '/admin/webhooks', parsesBody: true },
  { method: 'GET', path: '/api/me', parsesBody: true },
  { method: 'GET', path: '/api/me/whop', parsesBody: true },
  { method: 'GET', path: '/api/whop/auth/login', parsesBody: true },
  { method: 'GET', path: '/api/whop/auth/callback', parsesBody: true },
  { method: 'GET', path: '/courses/biz_creator1', parsesBody: true },
  { method: 'GET', path: '/courses/biz_creator1/videos/1', parsesBody: true },
  { method: 'GET', path: '/media/videos/1', parsesBody: true },
  { method: 'GET', path: '/no-such-page', parsesBody: true },
];

export const POST_ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/api/whop/auth/logout', parsesBody: true },
  { method: 'POST', path: '/onboarding', parsesBody: true },
  { method: 'POST', path: `/dashboard/videos/${LIBRARY_VIDEO_ID}/title`, parsesBody: true },
  { method: 'POST', path: `/dashboard/videos/${LIBRARY_VIDEO_ID}/move`, parsesBody: true },
  { method: 'POST', path: `/dashboard/videos/${LIBRARY_VIDEO_ID}/delete`, parsesBody: true },
  { method: 'POST', path: '/api/ai/credits', parsesBody: true },
  { method: 'POST', path: '/api/videos/1/progress', parsesBody: true },
  { method: 'POST', path: '/admin/webhooks/evt_security_test/replay', parsesBody: true },
  { method: 'POST', path: '/admin/reconciliation', parsesBody: true },
];

export const ALL_ROUTES: readonly RouteSpec[] = [...GET_ROUTES, ...POST_ROUTES];

export const isJsonRoute = (path: string) => path.startsWith('/api/') && !path.startsWith('/api/whop/auth/');
