/**
 * express-session with the cookie of SPEC §5: httpOnly, SameSite=Lax, Secure and `__Host-` in production, rolling idle
 * limit.
 */
import session, { type Store } from 'express-session';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config.ts';

export const SESSION_IDLE_DAYS = 30;
export const SESSION_IDLE_MS = SESSION_IDLE_DAYS * 24 * 60 * 60 * 1000;

export function sessionCookieName(config: Pick<Config, 'isProduction'>): string {
  return config.isProduction ? '__Host-chronos.sid' : 'chronos.sid';
}

export function createSessionMiddleware(
  config: Pick<Config, 'isProduction' | 'sessionSecrets'>,
  store: Store,
): RequestHandler {
  return session({
    name: sessionCookieName(config),
    secret: config.sessionSecrets,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Sessions end only by an explicit destroy (sign-out); a session that failed to load (store down) is left alone.
    unset: 'keep',
    // No `proxy` option: whether the request came over https (for the Secure cookie) is
    // Express's req.secure, under the app's one `trust proxy` setting (TRUST_PROXY_HOPS).
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/', maxAge: SESSION_IDLE_MS },
  });
}
