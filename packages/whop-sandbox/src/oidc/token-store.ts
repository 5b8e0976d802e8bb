/**
 * In-memory access and refresh tokens, grouped in families: every token descended from one
 * authorization shares a family, so a replayed code or refresh token can kill them all.
 * Tokens are kept under their SHA-256 digest; revoking deletes.
 */
import type { Clock } from './oidc-clock.ts';
import { randomToken, sha256Base64Url } from './token-crypto.ts';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;

export interface TokenFamily {
  readonly id: string;
  readonly userId: string;
  readonly clientId: string;
  /** Scope granted at authorization; refreshes may narrow it per token. */
  readonly scope: string;
  /** Epoch seconds of the user's approval. */
  readonly authTime: number;
  readonly accessKeys: Set<string>;
  readonly refreshKeys: Set<string>;
}

export interface AccessTokenRecord {
  family: TokenFamily;
  scope: string;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  family: TokenFamily;
  scope: string;
  expiresAt: number;
  /** Already exchanged for a newer refresh token: presenting it again is a replay. */
  rotated: boolean;
}

export type FamilyInit = Pick<TokenFamily, 'userId' | 'clientId' | 'scope' | 'authTime'>;

export class TokenStore {
  readonly #families = new Map<string, TokenFamily>();
  readonly #access = new Map<string, AccessTokenRecord>();
  readonly #refresh = new Map<string, RefreshTokenRecord>();
  readonly #clock: Clock;
  #lastSweep = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  createFamily(init: FamilyInit): TokenFamily {
    this.#sweepNow();
    const family: TokenFamily = { ...init, id: randomToken(16), accessKeys: new Set(), refreshKeys: new Set() };
    this.#families.set(family.id, family);
    return family;
  }

  issueAccessToken(family: TokenFamily, scope: string, ttlMs: number): { token: string; expiresAt: number } {
    const token = randomToken();
    const key = sha256Base64Url(token);
    const expiresAt = this.#clock() + ttlMs;
    this.#access.set(key, { family, scope, expiresAt });
    family.accessKeys.add(key);
    return { token, expiresAt };
  }

  issueRefreshToken(family: TokenFamily, scope: string): string {
    const token = randomToken();
    const key = sha256Base64Url(token);
    this.#refresh.set(key, { family, scope, expiresAt: this.#clock() + REFRESH_TOKEN_TTL_MS, rotated: false });
    family.refreshKeys.add(key);
    return token;
  }

  /** A live access token (known, unexpired, not revoked). */
  findAccessToken(token: string): AccessTokenRecord | undefined {
    const key = sha256Base64Url(token);
    const record = this.#access.get(key);
    if (!record) return undefined;
    if (record.expiresAt <= this.#clock()) {
      this.#deleteAccess(key);
      return undefined;
    }
    return record;
  }

  /** An unexpired refresh token of a live family, rotated or not (the caller decides). */
  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    const key = sha256Base64Url(token);
    const record = this.#refresh.get(key);
    if (!record) return undefined;
    if (record.expiresAt <= this.#clock()) {
      this.#deleteRefresh(key);
      return undefined;
    }
    return record;
  }

  revokeAccessToken(token: string): void {
    this.#deleteAccess(sha256Base64Url(token));
  }

  /** Revokes every access and refresh token of the family. */
  revokeFamily(familyId: string): void {
    const family = this.#families.get(familyId);
    if (!family) return;
    for (const key of family.accessKeys) this.#access.delete(key);
    for (const key of family.refreshKeys) this.#refresh.delete(key);
    this.#families.delete(familyId);
  }

  revokeUser(userId: string): void {
    for (const family of [...this.#families.values()]) {
      if (family.userId === userId) this.revokeFamily(family.id);
    }
  }

  #deleteAccess(key: string): void {
    const record = this.#access.get(key);
    if (!record) return;
    this.#access.delete(key);
    record.family.accessKeys.delete(key);
  }

  #deleteRefresh(key: string): void {
    const record = this.#refresh.get(key);
    if (!record) return;
    this.#refresh.delete(key);
    record.family.refreshKeys.delete(key);
  }

  /** Drops expired tokens and empty families, at most once a minute. */
  #sweepNow(): void {
    const now = this.#clock();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const [key, record] of this.#access) if (record.expiresAt <= now) this.#deleteAccess(key);
    for (const [key, record] of this.#refresh) if (record.expiresAt <= now) this.#deleteRefresh(key);
    for (const family of [...this.#families.values()]) {
      if (family.accessKeys.size === 0 && family.refreshKeys.size === 0) this.#families.delete(family.id);
    }
  }
}
