/**
 * The one signer of media URLs, for both players: the course pages' (`/media/videos/:id`) and the
 * Whop App's embedded one (`/embedded/media/videos/:id`, whose iframe carries no cookie). A URL's
 * query is `viewer=…&creator=…&expires=…&signature=…`: an HMAC over (viewer's Whop user, the
 * company they run or 0, video, expiry), valid at most 300 s, compared in constant time. The
 * player page issues one after admitting the viewer; the media route accepts it in place of a
 * session or Whop's user token and still asks the access rule on every request. The logger
 * redacts `signature` from every logged URL (observability/logger.ts).
 *
 * Each surface has its own key, derived (HKDF) from the first `SESSION_SECRET`, so a URL of one
 * player is never accepted by the other's route. There is no fallback secret (web requires
 * `SESSION_SECRET` in production), and rotating it rotates these keys.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sessionDerivedKey } from '../signing/session-derived-key.ts';

/** The most a signed media URL lives, as for presigned S3 GETs (SPEC §4). */
export const SIGNED_MEDIA_TTL_SECONDS = 300;

/** Which player a URL is for: its own key, so one surface's URL opens nothing on the other. */
export type MediaSurface = 'course' | 'embedded';

/** Who a media URL was signed for, as the access rule (course-access-service.ts) takes them. */
export interface SignedViewer {
  whopUserId: string;
  creatorId: number | null;
}

const USER_ID = /^[A-Za-z0-9_]{1,100}$/;
const CREATOR_ID = /^(0|[1-9][0-9]{0,9})$/;
const EXPIRES = /^[1-9][0-9]{0,11}$/;

/** `secret`: the first SESSION_SECRET (none in a worker, which signs nothing: see signing/session-derived-key.ts). */
export function createMediaUrlSigner(deps: { secret: string | undefined; now: () => number; surface: MediaSurface }) {
  const key = sessionDerivedKey(deps.secret, `chronos ${deps.surface} media urls v1`, `${deps.surface} media URLs`);
  const mac = (user: string, creator: string, videoId: number, expires: string) =>
    createHmac('sha256', key()).update(`${user}\n${creator}\n${videoId}\n${expires}`).digest();
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  return {
    /** The query string of a media URL of `videoId` for `viewer`, expiring in 300 s. */
    sign(viewer: SignedViewer, videoId: number): string {
      const creator = String(viewer.creatorId ?? 0);
      const expires = String(nowSeconds() + SIGNED_MEDIA_TTL_SECONDS);
      const signature = mac(viewer.whopUserId, creator, videoId, expires).toString('base64url');
      return new URLSearchParams({ viewer: viewer.whopUserId, creator, expires, signature }).toString();
    },

    /** The viewer a media URL of `videoId` was signed for, or null: absent, malformed, tampered or expired. */
    verify(videoId: number, query: Record<string, unknown>): SignedViewer | null {
      const { viewer, creator, expires, signature } = query;
      if (typeof viewer !== 'string' || !USER_ID.test(viewer)) return null;
      if (typeof creator !== 'string' || !CREATOR_ID.test(creator)) return null;
      if (typeof expires !== 'string' || !EXPIRES.test(expires)) return null;
      if (typeof signature !== 'string') return null;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(viewer, creator, videoId, expires);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const now = nowSeconds();
      const at = Number(expires);
      if (at < now || at > now + SIGNED_MEDIA_TTL_SECONDS) return null;
      return { whopUserId: viewer, creatorId: creator === '0' ? null : Number(creator) };
    },
  };
}

export type MediaUrlSigner = ReturnType<typeof createMediaUrlSigner>;
