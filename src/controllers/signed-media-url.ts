/**
 * The media URL a player page gives its `<video>`: signed for the admitted viewer and the video,
 * valid 300 s (services/watching/media-url-signer.ts). On the course pages the player's Range
 * requests skip the session stack (routes/signed-media-routes.ts) and the session cookie still
 * rides along and answers once the URL has expired; the embedded player (whop-app-controller.ts)
 * has no cookie, the signature is all it carries.
 */
import { mediaPath } from '../http/route-paths.ts';
import type { MediaUrlSigner } from '../services/watching/media-url-signer.ts';
import type { Admitted } from './course-gate.ts';

export function signedMediaUrl(
  signer: Pick<MediaUrlSigner, 'sign'>,
  admitted: Admitted,
  videoId: number,
  pathOf: (videoId: number, query: string) => string = (id, query) => `${mediaPath(id)}?${query}`,
): string {
  const { user, creator } = admitted.viewer;
  return pathOf(videoId, signer.sign({ whopUserId: user.whopUserId, creatorId: creator?.id ?? null }, videoId));
}
