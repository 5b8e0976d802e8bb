/**
 * Per-token rate limit of the creator API (`/api/v1`, after the token is checked): counted under
 * the token's id in the shared store, so every instance and every client using one token share
 * its allowance. A refusal is a 429 with `Retry-After` in the API's one error shape.
 */
import type { RequestHandler } from 'express';
import { perMinuteLimiter, type LimiterSettings } from './rate-limiters.ts';

export function apiTokenRateLimiter(settings: LimiterSettings): RequestHandler {
  return perMinuteLimiter(
    settings,
    (req) => `token:${req.apiCaller?.token.id ?? 'none'}`,
    (_req, res, seconds) =>
      void res.status(429).json({
        error: 'rate_limited',
        message:
          `This token made more than ${settings.limitPerMinute} requests this minute. Retry in ` +
          `${seconds} seconds.`,
        retryAfterSeconds: seconds,
      }),
  );
}
