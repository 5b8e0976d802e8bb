/**
 * The embedded pages carry no cookie, so what a cookie session would vouch for is signed:
 * - media URLs: HMAC over (Whop user, video, expiry), valid at most 300 s, so a `<video>`
 *   request needs no header and a leaked URL is useless to another user or video, and soon;
 * - CSRF tokens: HMAC over (Whop user, experience or company), sent in `x-csrf-token`.
 * The key is derived (HKDF) from the first `SESSION_SECRET`, which production requires:
 * there is no fallback secret, and rotating the session secret rotates these too.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const MEDIA_URL_TTL_SECONDS = 300;

export interface SignedMedia {
  whopUserId: string;
  videoId: number;
  expires: number;
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createEmbeddedSignatures(deps: { secret: string; now: () => number }) {
  if (!deps.secret) throw new Error('embedded signatures need a secret');
  const key = Buffer.from(hkdfSync('sha256', deps.secret, 'chronos', 'chronos embedded signatures v1', 32));
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');
  const mediaMac = (m: SignedMedia) => mac(`media\n${m.whopUserId}\n${m.videoId}\n${m.expires}`);
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  return {
    /** The query of a media URL for this user and video, expiring in `ttlSeconds` (at most 300). */
    mediaQuery(whopUserId: string, videoId: number, ttlSeconds = MEDIA_URL_TTL_SECONDS): string {
      const expires = nowSeconds() + Math.min(ttlSeconds, MEDIA_URL_TTL_SECONDS);
      const signature = mediaMac({ whopUserId, videoId, expires });
      return new URLSearchParams({ user: whopUserId, expires: String(expires), signature }).toString();
    },

    /** The signed user of a media request, or null when the signature, video or expiry does not hold. */
    verifyMedia(videoId: number, query: Record<string, unknown>): SignedMedia | null {
      const { user, expires, signature } = query;
      if (typeof user !== 'string' || typeof expires !== 'string' || typeof signature !== 'string') return null;
      if (!/^\d{1,12}$/.test(expires)) return null;
      const signed = { whopUserId: user, videoId, expires: Number(expires) };
      if (!sameText(signature, mediaMac(signed))) return null;
      const now = nowSeconds();
      if (signed.expires < now || signed.expires > now + MEDIA_URL_TTL_SECONDS) return null;
      return signed;
    },

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
