/**
 * The media URL a course page gives its player: signed for the admitted viewer and the video,
 * valid 300 s (services/watching/media-url-signer.ts), so the player's Range requests skip the
 * session stack (routes/signed-media-routes.ts). The session cookie still rides along and
 * answers once the URL has expired.
 */
import { mediaPath } from '../http/route-paths.ts';
import type { MediaUrlSigner } from '../services/watching/media-url-signer.ts';
import type { Admitted } from './course-gate.ts';

export function signedMediaUrl(signer: Pick<MediaUrlSigner, 'sign'>, admitted: Admitted, videoId: number): string {
  const { user, creator } = admitted.viewer;
  return `${mediaPath(videoId)}?${signer.sign({ whopUserId: user.whopUserId, creatorId: creator?.id ?? null }, videoId)}`;
}
