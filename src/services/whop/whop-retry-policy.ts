/**
 * When a failed Whop REST call is tried again, and after how long. Whop's documented 429 has no
 * `Retry-After` header; its body says `{"error":{"type":"rate_limit_exceeded","message":"Try
 * again in 12 seconds."}}` (docs.whop.com/developer/troubleshooting). So: `Retry-After` (or
 * `retry-after-ms`) when sent, else the body's "N seconds", else exponential backoff with a cap.
 * Attempts are bounded, and a wait longer than `maxWaitMs` is not waited out: the caller gets
 * the failure (with Whop's delay) to report and resume later.
 */
import { APIConnectionError, APIError } from '@whop/sdk';

export interface WhopRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff without a hint from Whop; doubles per attempt up to `maxBackoffMs`. */
  baseDelayMs: number;
  maxBackoffMs: number;
  /** The longest wait Whop may ask for that is waited out in-process. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: WhopRetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxBackoffMs: 8_000,
  maxWaitMs: 30_000,
};

/**
 * Statuses worth another try, as the SDK's own retry logic has them (timeouts, lock conflicts, rate limits, server
 * errors).
 */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The delay Whop asks for, in ms: `retry-after-ms`, `Retry-After` (seconds or HTTP date), or "Try again in N seconds"
 * in the body.
 */
export function whopRetryHintMs(
  headers: Headers | undefined,
  body: unknown,
  now: number = Date.now(),
): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const retryAfter = headers?.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const match = /try again in (\d+(?:\.\d+)?) ?(seconds?|s)\b/i.exec(text);
  return match ? Number.parseFloat(match[1]!) * 1000 : undefined;
}

/** How long to wait before attempt `attempt + 1`, or undefined when the failure is final. */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: WhopRetryPolicy,
  now?: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxBackoffMs);
  if (error instanceof APIError && error.status !== undefined) {
    if (!retryableStatus(error.status)) return undefined;
    const hint = whopRetryHintMs(error.headers, error.error, now);
    if (hint === undefined) return backoff;
    return hint <= policy.maxWaitMs ? hint : undefined;
  }
  // Not reachable, reset, or timed out (APIConnectionTimeoutError is a kind of APIConnectionError).
  if (error instanceof APIConnectionError) return backoff;
  return undefined;
}
