/** Random handles, digests and constant-time comparison for codes, tokens and secrets. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** An opaque, unguessable string: 32 random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256, base64url. Used as map key so no token is kept in plain text, and for PKCE S256. */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time string equality (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
