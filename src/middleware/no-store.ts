/**
 * Every answer past the static files is per visitor: pages carry a CSRF token, a CSP nonce and,
 * signed in, private data; JSON answers the signed-in user. None may be kept by a browser or a
 * proxy (SPEC §4: `Cache-Control: no-store`), so Back after signing out shows nothing stale.
 */
import type { RequestHandler } from 'express';

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
