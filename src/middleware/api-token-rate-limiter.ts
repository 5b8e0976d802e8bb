/**
 * Per-token rate limit of the creator API (`/api/v1`, after the token is checked): counted under
 * the token's id in the shared store, so every instance and every client using one token share
 * its allowance. A refusal is a 429 with `Retry-After` in the API's one error shape.
 */
import { rateLimit } from 'express-rate-limit';
import type { Request, RequestHandler, Response } from 'express';
import { limiterLogger, retryAfterSeconds, type LimiterSettings } from './rate-limiters.ts';

export function apiTokenRateLimiter(settings: LimiterSettings): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: settings.limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: settings.store,
    passOnStoreError: true,
    logger: limiterLogger(settings.logger),
    keyGenerator: (req: Request) => `token:${req.apiCaller?.token.id ?? 'none'}`,
    handler: (req: Request, res: Response) => {
      const seconds = retryAfterSeconds(req);
      res.setHeader('Retry-After', String(seconds));
      res.status(429).json({
        error: 'rate_limited',
        message: `This token made more than ${settings.limitPerMinute} requests this minute. Retry in ${seconds} seconds.`,
        retryAfterSeconds: seconds,
      });
    },
  });
}
