/**
 * Request rate limits (express-rate-limit; counted in Redis when configured so every instance
 * shares them). A refusal is a 429 that says when to retry: a page for browsers, JSON for the API.
 */
import { ipKeyGenerator, rateLimit, type Logger as LimiterLogger, type Options } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Request, RequestHandler, Response } from 'express';
import { errorMessage } from '../domain/app-errors.ts';

export interface LimiterSettings {
  limitPerMinute: number;
  /** Where the counts are kept (composition/shared-state.ts: Redis when configured); undefined: in this process. */
  store: Options['store'] | undefined;
  logger: Logger;
}

/**
 * The limiter's own messages go to the app's log as warnings, without a stack: while Redis is
 * away each request is let through uncounted (`passOnStoreError`), an outage already reported
 * by /readyz, not a new failure each time.
 */
export function limiterLogger(logger: Logger): LimiterLogger {
  const log = (error: unknown, message?: string) =>
    logger.warn({ err: { message: errorMessage(error) } }, message ?? 'rate limiter');
  return { error: log, warn: log };
}

export function retryAfterSeconds(req: Request): number {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
}

/**
 * The client's address as Express resolves it under `trust proxy` (TRUST_PROXY_HOPS): the
 * `X-Forwarded-For` entry the nearest trusted proxy added, never one the client wrote itself,
 * so prepending addresses cannot buy a fresh limit. IPv6 clients count per /56 network
 * (`ipKeyGenerator`), as one such client can change addresses at will inside it.
 */
export function clientAddressKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/**
 * The one shape of Chronos's limiters: a one-minute window in the shared store, standard headers,
 * a store failure lets the request through; `refuse` answers a 429 after `Retry-After` is set.
 */
export function perMinuteLimiter(
  settings: LimiterSettings,
  key: (req: Request) => string,
  refuse: (req: Request, res: Response, retryAfter: number) => void,
): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: settings.limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: settings.store,
    passOnStoreError: true,
    logger: limiterLogger(settings.logger),
    keyGenerator: key,
    handler: (req: Request, res: Response) => {
      const seconds = retryAfterSeconds(req);
      res.setHeader('Retry-After', String(seconds));
      refuse(req, res, seconds);
    },
  });
}

/** Per client address on the sign-in routes; refusals render the error page. */
export function authRateLimiter(settings: LimiterSettings): RequestHandler {
  return perMinuteLimiter(settings, clientAddressKey, (req, res, seconds) =>
    res.status(429).render('pages/error', {
      title: 'Too many requests',
      status: 429,
      message: `Too many sign-in attempts from your network. Please try again in ${seconds} seconds.`,
      requestId: req.id,
    }),
  );
}

/** Per signed-in user on the JSON API. */
export function apiRateLimiter(settings: LimiterSettings): RequestHandler {
  return perMinuteLimiter(
    settings,
    (req) => (req.currentUser ? `user:${req.currentUser.user.id}` : `anon:${clientAddressKey(req)}`),
    (_req, res, seconds) =>
      void res.status(429).json({
        error: 'rate_limited',
        message: `Too many requests. Retry in ${seconds} seconds.`,
        retryAfterSeconds: seconds,
      }),
  );
}
