/**
 * Authorization codes: single use, short-lived, bound to the client, redirect URI, PKCE
 * challenge and user. Redeemed codes are remembered for a while so a replay can be
 * detected and the tokens issued from the code revoked (RFC 6749 §4.1.2).
 */
import type { Clock } from './oidc-clock.ts';
import { randomToken, sha256Base64Url } from './token-crypto.ts';

export const AUTHORIZATION_CODE_TTL_MS = 60 * 1000;
const REDEEMED_CODE_MEMORY_MS = 24 * 60 * 60 * 1000;

export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scope: string;
  nonce: string | undefined;
  /** Epoch seconds of the user's approval. */
  authTime: number;
}

interface CodeEntry {
  grant: AuthorizationGrant;
  expiresAt: number;
  redeemed: boolean;
  /** The token family issued from this code, once there is one. */
  familyId: string | undefined;
}

export type CodeRedemption =
  | { status: 'ok'; grant: AuthorizationGrant; linkFamily(familyId: string): void }
  | { status: 'unknown' }
  | { status: 'expired' }
  | { status: 'replayed'; familyId: string | undefined };

export class AuthorizationCodeStore {
  readonly #codes = new Map<string, CodeEntry>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  issue(grant: AuthorizationGrant): string {
    this.#sweep();
    const code = randomToken();
    this.#codes.set(sha256Base64Url(code), {
      grant,
      expiresAt: this.#clock() + AUTHORIZATION_CODE_TTL_MS,
      redeemed: false,
      familyId: undefined,
    });
    return code;
  }

  /** Uses the code up: any later presentation of it is a replay. */
  redeem(code: string): CodeRedemption {
    const entry = this.#codes.get(sha256Base64Url(code));
    if (!entry) return { status: 'unknown' };
    if (entry.redeemed) return { status: 'replayed', familyId: entry.familyId };
    entry.redeemed = true;
    if (entry.expiresAt <= this.#clock()) return { status: 'expired' };
    return {
      status: 'ok',
      grant: entry.grant,
      linkFamily: (familyId) => {
        entry.familyId = familyId;
      },
    };
  }

  /** Forgets the user's codes that have not been redeemed yet. */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.#codes) {
      if (entry.grant.userId === userId && !entry.redeemed) this.#codes.delete(key);
    }
  }

  #sweep(): void {
    const now = this.#clock();
    for (const [key, entry] of this.#codes) {
      const forgetAt = entry.redeemed ? entry.expiresAt + REDEEMED_CODE_MEMORY_MS : entry.expiresAt;
      if (forgetAt <= now) this.#codes.delete(key);
    }
  }
}
