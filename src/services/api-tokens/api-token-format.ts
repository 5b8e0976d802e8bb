/**
 * What a Chronos API token looks like: `chr_` and 32 random bytes in base64url (43 characters).
 * Only its SHA-256 is stored; the first 8 characters after `chr_` are its visible prefix.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'chr_';
const TOKEN_PATTERN = /^chr_[A-Za-z0-9_-]{43}$/;
const VISIBLE_CHARACTERS = 8;

export interface NewToken {
  /** The token itself: shown to the creator once, never stored. */
  token: string;
  /** `chr_` and its first 8 characters, shown on the settings page. */
  prefix: string;
  hash: Buffer;
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function visiblePrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + VISIBLE_CHARACTERS);
}

export function generateToken(): NewToken {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, prefix: visiblePrefix(token), hash: tokenHash(token) };
}
