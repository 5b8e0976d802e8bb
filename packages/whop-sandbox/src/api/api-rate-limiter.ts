/**
 * Rate limits of `/api/v1`, answered as Whop documents them: 429 with
 * `{"error":{"type":"rate_limit_exceeded","message":"Try again in N seconds."}}` and no
 * `Retry-After` (Whop documents no rate-limit headers). Two sources: calls forced from the
 * control surfaces (the next N calls, whoever makes them), then a per-credential fixed
 * one-minute window.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ForcedRateLimit } from '../sandbox-core.ts';
import { RateLimitedError } from '../sandbox-errors.ts';
import { credentialOf } from './api-credential.ts';

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  count: number;
}

export function limitApiRate(
  limitPerMinute: number,
  forced: ForcedRateLimit,
  now: () => number = Date.now,
): RequestHandler {
  const windows = new Map<string, Window>();
  return (_req: Request, res: Response, next: NextFunction) => {
    if (forced.remaining > 0) {
      forced.remaining -= 1;
      next(new RateLimitedError(forced.retryInSeconds));
      return;
    }
    const key = credentialOf(res).rateLimitKey;
    const at = now();
    let window = windows.get(key);
    if (!window || at - window.startedAt >= WINDOW_MS) {
      if (windows.size > 10_000) windows.clear();
      window = { startedAt: at, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - at) / 1000));
    if (window.count > limitPerMinute) {
      next(new RateLimitedError(resetSeconds));
      return;
    }
    next();
  };
}
