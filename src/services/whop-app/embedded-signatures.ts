/**
 * The embedded pages carry no cookie, so the CSRF token a cookie session would hold is signed:
 * an HMAC over (Whop user, experience or company), sent in `x-csrf-token`. (Their media URLs are
 * signed by the one media URL signer, services/watching/media-url-signer.ts.)
 * The key is derived (HKDF) from the first `SESSION_SECRET`, which production requires:
 * there is no fallback secret, and rotating the session secret rotates these too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sessionDerivedKey } from '../signing/session-derived-key.ts';

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `secret`: the first SESSION_SECRET (none in a worker, which signs nothing: see signing/session-derived-key.ts). */
export function createEmbeddedSignatures(deps: { secret: string | undefined }) {
  const key = sessionDerivedKey(deps.secret, 'chronos embedded signatures v1', 'the embedded pages’ CSRF tokens');
  const mac = (text: string) => createHmac('sha256', key()).update(text).digest('base64url');

  return {
    /** The CSRF token of this user on this experience or company. */
    csrfToken(whopUserId: string, scope: string): string {
      return mac(`csrf\n${whopUserId}\n${scope}`);
    },

    verifyCsrf(given: unknown, whopUserId: string, scope: string): boolean {
      return typeof given === 'string' && sameText(given, mac(`csrf\n${whopUserId}\n${scope}`));
    },
  };
}

export type EmbeddedSignatures = ReturnType<typeof createEmbeddedSignatures>;
