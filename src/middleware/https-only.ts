/**
 * In production behind the proxy (`trust proxy`), plain-http requests are sent to https:
 * GET/HEAD with a 301 to the same path on APP_URL's origin (never the request's Host header);
 * anything else is refused with 403. Health checks answer on plain http for the platform.
 */
import type { RequestHandler } from 'express';

const HEALTH = new Set(['/healthz', '/readyz']);

/**
 * The path and query of a request target. An origin-form target (`/path?q`) is kept as sent; an
 * absolute-form one (`GET http://elsewhere.example/path`, which Node accepts) gives only its path
 * and query, so no part of a host the client chose can reach the redirect. Anything else is `/`.
 */
export function pathAndQuery(target: string): string {
  if (target.startsWith('/')) return target;
  if (!URL.canParse(target)) return '/';
  const url = new URL(target);
  return `${url.pathname}${url.search}`;
}

export function httpsOnly(appUrl: string): RequestHandler {
  const origin = new URL(appUrl).origin;
  return (req, res, next) => {
    if (req.secure || HEALTH.has(req.path)) return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.redirect(301, `${origin}${pathAndQuery(req.originalUrl)}`);
      return;
    }
    res.status(403).type('text/plain').send('HTTPS is required.');
  };
}
