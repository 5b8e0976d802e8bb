/**
 * `POST /api/videos/:videoId/progress`: the player saves where the viewer is and how long they
 * played (JSON, or a form body from `navigator.sendBeacon`, which cannot set headers: the CSRF
 * token then comes as `_csrf`). Only students with access are recorded, for videos their product
 * opens (the product rule); the creator's previews are not. Bad input is a 400 that changes nothing (see
 * watch-progress-service.ts).
 */
import type { RequestHandler } from 'express';
import { ForbiddenError, NotFoundError } from '../domain/app-errors.ts';
import { signedIn } from '../middleware/require-auth.ts';
import { isPlayable, videoIdFrom, type CourseAccessService } from '../services/watching/course-access-service.ts';
import type { WatchProgressService } from '../services/watching/watch-progress-service.ts';
import type { VideoRefusals } from '../services/watching/video-refusal-service.ts';
import { productRefusal } from './course-gate.ts';

export function progressController(deps: {
  courses: CourseAccessService;
  progress: WatchProgressService;
  videoRefusals: VideoRefusals;
}) {
  const save: RequestHandler = async (req, res) => {
    const { user, creator: own } = signedIn(req);
    const videoId = videoIdFrom(req.params.videoId);
    const video = videoId === null ? null : await deps.courses.video(videoId);
    const creator = video ? await deps.courses.creatorById(video.creatorId) : null;
    if (!video || !creator) throw new NotFoundError('No such video.');
    const access = await deps.courses.accessTo({ whopUserId: user.whopUserId, creatorId: own?.id ?? null }, creator);
    if (access.kind === 'refused') throw new ForbiddenError(access.reason);
    if (access.kind === 'owner') throw new ForbiddenError('Your own previews are not recorded.');
    if (!isPlayable(video)) throw new NotFoundError('No such video.');
    // The product rule: a video only a course of another product holds is not the student's to record.
    if (!(await deps.courses.productOpens(video, access.studentId))) {
      const refusal = await productRefusal({ courses: deps.courses, refusals: deps.videoRefusals }, creator, video);
      throw new ForbiddenError(refusal?.reason ?? 'This video is not part of your membership.');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const saved = await deps.progress.save({ userId: user.id, video, position: body.position, watched: body.watched });
    res.json(saved);
  };
  return { save };
}
