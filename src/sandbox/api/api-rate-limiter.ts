/** Per-credential fixed-window rate limit of `/api/v1`: over the limit → 429 with `Retry-After`. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimitedError } from '../sandbox-errors.ts';
import { credentialOf } from './api-credential.ts';

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  count: number;
}

export function limitApiRate(limitPerMinute: number, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, Window>();
  return (_req: Request, res: Response, next: NextFunction) => {
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
    res.set({
      'X-RateLimit-Limit': String(limitPerMinute),
      'X-RateLimit-Remaining': String(Math.max(0, limitPerMinute - window.count)),
      'X-RateLimit-Reset': String(resetSeconds),
    });
    if (window.count > limitPerMinute) {
      res.set('Retry-After', String(resetSeconds));
      next(new RateLimitedError(resetSeconds));
      return;
    }
    next();
  };
}
