/**
 * The session store could not be reached (Redis refused, closed, timed out, or ran out of
 * retries): an outage to wait out, answered 503 with Retry-After, never a sign-out. Raised by
 * TokenSafeSessionStore for any failure of the store except the ones that prove it answered:
 * a Redis error reply, or a stored value that is not JSON.
 */
import { ReplyError } from 'ioredis';

export class SessionStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the session store is unavailable', { cause });
    this.name = 'SessionStoreUnavailableError';
  }
}

/** `error` as the store's caller should see it: an outage as SessionStoreUnavailableError, anything else as it is. */
export function asSessionStoreError(error: unknown): unknown {
  if (error instanceof SessionStoreUnavailableError || error instanceof ReplyError || error instanceof SyntaxError)
    return error;
  return new SessionStoreUnavailableError(error);
}
