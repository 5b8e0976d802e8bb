/**
 * The headers of a video's bytes on the media fast path (routes/signed-media-routes.ts), which
 * answers before helmet and the page stack: a response of bytes has no script, style or form for
 * a CSP to govern and needs no nonce. What still matters for a member's private video is set
 * here: never stored by any cache (`no-store`, as for every private answer), never sniffed into
 * another type, never loaded by another site's page, and never framed.
 */
import type { RequestHandler } from 'express';

const HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};
const ENTRIES = Object.entries(HEADERS);

export const mediaResponseHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of ENTRIES) res.setHeader(name, value);
  next();
};
