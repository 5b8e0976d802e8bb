/**
 * `GET /media/videos/:videoId`: a video's bytes, authorised on every request (the session, then
 * the same access rule as the course pages, the product rule included, in one statement). Disk:
 * streamed by `send` (http/send-file.ts) with Range support (one range per request, `If-Range`, 416
 * when unsatisfiable). S3: a 302 to a presigned GET that expires within 5 minutes. Always `no-store`
 * (set for every response by middleware/no-store.ts), so neither a shared cache nor the browser
 * keeps a member's video after access ends.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../domain/app-errors.ts';
import type { MediaStorage } from '../infra/storage/media-storage.ts';
import { videoIdFrom, type CourseAccessService, type Viewer } from '../services/watching/course-access-service.ts';
import type { VideoRefusals } from '../services/watching/video-refusal-service.ts';
import { sendFile } from '../http/send-file.ts';
import { singleRange } from './single-range.ts';
import { productRefusal } from './course-gate.ts';

/** How long a presigned S3 URL lives: the most SPEC §4 allows. */
export const PRESIGNED_TTL_SECONDS = 300;
const GONE = 'This video is not available.';

/** The session's user as the access rule takes them, or null when signed out. */
function sessionViewer(req: Request): Viewer | null {
  const viewer = req.currentUser;
  return viewer ? { whopUserId: viewer.user.whopUserId, creatorId: viewer.creator?.id ?? null } : null;
}

export function mediaController(deps: {
  courses: CourseAccessService;
  storage: MediaStorage;
  refusals: VideoRefusals;
  /** Who asks: the session's user by default; a signed URL's viewer on the fast path (signed-media-routes.ts). */
  viewerOf?: (req: Request, res: Response) => Viewer | null;
}) {
  const { courses, storage, viewerOf = sessionViewer } = deps;

  /** Why (the refusal path only): no access to the creator, or the product rule (which product opens it). */
  async function refusalReason(viewer: Viewer, videoId: number): Promise<string> {
    const video = await courses.video(videoId);
    const creator = video ? await courses.creatorById(video.creatorId) : null;
    if (!video || !creator) return GONE;
    const access = await courses.accessTo(viewer, creator);
    if (access.kind === 'refused') return access.reason;
    return (await productRefusal({ courses, refusals: deps.refusals }, creator, video))?.reason ?? GONE;
  }

  const stream: RequestHandler = async (req, res, next) => {
    const viewer = viewerOf(req, res);
    if (!viewer) throw new UnauthenticatedError('Sign in to watch this video.');
    const videoId = videoIdFrom(req.params.videoId);
    if (videoId === null) throw new NotFoundError(GONE);
    // One statement on the path every Range request takes; a refusal asks again for its reason.
    const video = await courses.permittedMedia(viewer, videoId);
    if (video === undefined) throw new NotFoundError(GONE);
    if (video === null) throw new ForbiddenError(await refusalReason(viewer, videoId));
    if (video.status !== 'ready' || video.storageKey === null) throw new NotFoundError(GONE);
    const contentType = video.mimeType ?? 'application/octet-stream';
    const playback = await storage.playback(video.storageKey, { ttlSeconds: PRESIGNED_TTL_SECONDS, contentType });
    if (playback.kind === 'redirect') {
      res.redirect(302, playback.url);
      return;
    }
    if (req.headers.range?.includes(',')) {
      const size = await storage.size(video.storageKey);
      if (size === null) throw new NotFoundError(GONE);
      req.headers.range = singleRange(req.headers.range, size);
    }
    sendFile(req, playback.path, playback.maxReadBytes)
      .on('headers', () => res.setHeader('Content-Type', contentType))
      .on('error', (error: { status?: number; code?: string }) => {
        res.removeHeader('Content-Type');
        if (error.status === 404 || error.code === 'ENOENT') return next(new NotFoundError(GONE));
        // 416 (Content-Range is already set by send), 412: a bare answer, as for any media client.
        if (error.status && error.status >= 400 && error.status < 500) return void res.status(error.status).end();
        next(error);
      })
      .pipe(res);
  };

  return { stream };
}
