/**
 * Cross-site post protection of the control UI's forms: a signed double-submit token.
 * The browser holds a random value in the `whop_sandbox_csrf` cookie (every sandbox
 * cookie starts with `whop_sandbox_`: browsers share cookies across the ports of one
 * host with the app); each form carries `_csrf` = HMAC(per-process key, cookie value).
 * A page on another port can set a cookie for the host but cannot compute the HMAC.
 * Requests the browser marks as cross-site or same-site (`Sec-Fetch-Site`) are refused too.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parse as parseCookies } from 'cookie';

export const CSRF_COOKIE = 'whop_sandbox_csrf';
export const CSRF_FIELD = '_csrf';

export class CsrfRejectedError extends Error {
  readonly status = 403;
}

/** A cookie of the request (jshttp's `cookie` parses the header; a value it cannot decode stays as sent). */
function readCookie(req: Request, name: string): string | undefined {
  return parseCookies(req.headers.cookie ?? '')[name];
}

export interface CsrfProtection {
  /** The form token for this browser, setting its cookie when needed. */
  tokenFor(req: Request, res: Response): string;
  /** Refuses unsafe requests without a valid token. */
  verify: RequestHandler;
}

export function createCsrfProtection(key: Buffer = randomBytes(32)): CsrfProtection {
  const sign = (value: string) => createHmac('sha256', key).update(value).digest('base64url');

  return {
    tokenFor(req, res) {
      let value = readCookie(req, CSRF_COOKIE);
      if (!value || !/^[A-Za-z0-9_-]{32,64}$/.test(value)) {
        value = randomBytes(32).toString('base64url');
        res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/sandbox' });
      }
      return sign(value);
    },

    verify(req: Request, _res: Response, next: NextFunction) {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      const site = req.get('sec-fetch-site');
      if (site === 'cross-site' || site === 'same-site') {
        return next(new CsrfRejectedError('This form was posted from another site.'));
      }
      const value = readCookie(req, CSRF_COOKIE);
      const body = req.body as Record<string, unknown> | undefined;
      const given = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      const expected = value ? sign(value) : '';
      const ok =
        value !== undefined &&
        given.length === expected.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!ok)
        return next(
          new CsrfRejectedError('The form expired or did not come from the sandbox. Reload the page and try again.'),
        );
      next();
    },
  };
}
