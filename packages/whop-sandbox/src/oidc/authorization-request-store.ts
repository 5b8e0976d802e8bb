/**
 * Pending authorization requests waiting for the user's decision on the consent page.
 * The page carries only an opaque, single-use handle; the checked parameters stay here.
 */
import type { Clock } from './oidc-clock.ts';
import { randomToken, sha256Base64Url } from './token-crypto.ts';

export const PENDING_REQUEST_TTL_MS = 10 * 60 * 1000;
/** Bounds memory if something opens the authorize page in a loop; the oldest are dropped. */
const MAX_PENDING_REQUESTS = 10_000;

/** An authorization request whose client, redirect URI, PKCE and scope have been checked. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** Normalized, contains `openid`. */
  scope: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string;
}

interface PendingEntry {
  request: AuthorizationRequest;
  expiresAt: number;
}

export class AuthorizationRequestStore {
  readonly #pending = new Map<string, PendingEntry>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Keeps the request and returns the handle for the consent form. */
  save(request: AuthorizationRequest): string {
    this.#sweep();
    const handle = randomToken();
    this.#pending.set(sha256Base64Url(handle), { request, expiresAt: this.#clock() + PENDING_REQUEST_TTL_MS });
    return handle;
  }

  /** The live request behind a handle, left in place (to show the page again). */
  peek(handle: string): AuthorizationRequest | undefined {
    const key = sha256Base64Url(handle);
    const entry = this.#pending.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock()) {
      this.#pending.delete(key);
      return undefined;
    }
    return entry.request;
  }

  /** The live request behind a handle, removed so the handle can't be used again. */
  take(handle: string): AuthorizationRequest | undefined {
    const request = this.peek(handle);
    if (request) this.#pending.delete(sha256Base64Url(handle));
    return request;
  }

  #sweep(): void {
    const now = this.#clock();
    for (const [key, entry] of this.#pending) {
      if (entry.expiresAt <= now || this.#pending.size >= MAX_PENDING_REQUESTS) this.#pending.delete(key);
    }
  }
}
