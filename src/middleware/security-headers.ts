/**
 * helmet with a strict Content-Security-Policy: scripts only from this origin or with the
 * per-request nonce (exposed to views as `cspNonce`), no inline styles, no framing.
 * HSTS and upgrade-insecure-requests only in production.
 */
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

const NONCE_BYTES = 16;
const NONCES_PER_DRAW = 256;

/**
 * Nonces cut from blocks of cryptographically random bytes, each byte used once: one
 * `randomBytes` call per 256 pages instead of one a page (each call cost about as much as
 * rendering a small template). Node's `randomUUID` pools its randomness the same way.
 */
export function noncePool(): () => string {
  let block = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + NONCE_BYTES > block.length) {
      block = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
      offset = 0;
    }
    offset += NONCE_BYTES;
    return block.toString('base64', offset - NONCE_BYTES, offset);
  };
}

/**
 * `mediaOrigins`: where `<video>` may load from besides this origin: the object storage's origin
 * when media redirects to presigned S3 URLs; nothing else (no `blob:`, no wildcard).
 */
export function securityHeaders(options: {
  isProduction: boolean;
  mediaOrigins?: readonly string[];
  /** Origins a form may post or be redirected to besides this one (Whop's checkout). */
  formTargets?: readonly string[];
  /**
   * The Whop App's embedded routes: the only pages that may be framed, and only by these
   * origins (`WHOP_FRAME_ANCESTORS`). Same policy otherwise, nonces included.
   */
  embedded?: { isEmbedded: (req: Request) => boolean; frameAncestors: readonly string[] };
}): RequestHandler[] {
  const nextNonce = noncePool();
  const setNonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = nextNonce();
    next();
  };
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as Response).locals.cspNonce as string}'`;
  const helmetFor = (frameAncestors: string[]) =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", nonce],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          mediaSrc: ["'self'", ...(options.mediaOrigins ?? [])],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'", ...(options.formTargets ?? [])],
          frameAncestors,
          upgradeInsecureRequests: options.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: options.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      // X-Frame-Options cannot name origins; where framing is allowed, frame-ancestors alone decides.
      xFrameOptions: frameAncestors.includes("'none'") ? { action: 'deny' } : false,
      crossOriginEmbedderPolicy: false,
    });
  const unframed = helmetFor(["'none'"]);
  const embedded = options.embedded;
  if (!embedded) return [setNonce, unframed];
  const framed = helmetFor([...embedded.frameAncestors]);
  const headers: RequestHandler = (req, res, next) => (embedded.isEmbedded(req) ? framed : unframed)(req, res, next);
  return [setNonce, headers];
}
