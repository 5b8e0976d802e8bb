/**
 * `GET /courses/:companyId` (the creator's ready videos in library order) and
 * `GET /courses/:companyId/videos/:videoId` (the player, resuming where the student stopped,
 * with a link to the next video). Members with access and the creator (a preview) only; a
 * student's list, player and next link hold only the videos their product opens (the product
 * rule of course-access-service.ts), and another video of the creator is a 403 saying why.
 */
import type { RequestHandler } from 'express';
import { NotFoundError } from '../domain/app-errors.ts';
import { coursePath, lessonPath, playerPath, progressPath } from '../http/route-paths.ts';
import { isPlayable, videoIdFrom, type CourseAccessService } from '../services/watching/course-access-service.ts';
import type { WatchProgressService } from '../services/watching/watch-progress-service.ts';
import { admitToPage, creatorName, refusalOfUnlisted, renderRefused } from './course-gate.ts';
import type { VideoRefusals } from '../services/watching/video-refusal-service.ts';
import type { BrandingService } from '../services/branding/branding-service.ts';
import type { StudentCourseViewService } from '../services/courses/student-course-view.ts';
import { courseViewerOf } from './course-viewer.ts';
import type { MediaUrlSigner } from '../services/watching/media-url-signer.ts';
import { signedMediaUrl } from './signed-media-url.ts';

const NO_COURSE = 'There is no course at this address.';
const NO_VIDEO = 'This video is not in the course, or it is not ready to play yet.';

export function courseController(deps: {
  courses: CourseAccessService;
  progress: WatchProgressService;
  /** The creator's branding on these pages (Pro and up); absent, the pages are Chronos's own. */
  branding?: Pick<BrandingService, 'shownFor'>;
  studentCourses: Pick<StudentCourseViewService, 'view'>;
  /** Signs the player's media URL for the viewer (signed-media-url.ts). */
  mediaUrls: Pick<MediaUrlSigner, 'sign'>;
  refusals: VideoRefusals;
}) {
  const { courses } = deps;

  const show: RequestHandler = async (req, res) => {
    const creator = await courses.creatorByCompany(String(req.params.companyId));
    if (!creator) throw new NotFoundError(NO_COURSE);
    const admitted = await admitToPage(req, res, courses, creator);
    if (!admitted) return;
    // Published courses (kept readable after a downgrade) replace the flat list of videos.
    const modules = await deps.studentCourses.view(creator.id, courseViewerOf(admitted), (lessonId) =>
      lessonPath(creator.whopCompanyId, lessonId),
    );
    if (modules) {
      res.render('pages/course-modules', {
        branding: await deps.branding?.shownFor(creator),
        title: creatorName(creator),
        creatorName: creatorName(creator),
        isPreview: admitted.access.kind === 'owner',
        ...modules,
      });
      return;
    }
    const videos = await courses.watchableVideos(creator.id, admitted.access);
    res.render('pages/course', {
      branding: await deps.branding?.shownFor(creator),
      title: creatorName(creator),
      creatorName: creatorName(creator),
      isPreview: admitted.access.kind === 'owner',
      videos: videos.map((v) => ({
        title: v.title,
        durationSeconds: v.durationSeconds,
        href: playerPath(creator.whopCompanyId, v.id),
      })),
    });
  };

  const player: RequestHandler = async (req, res) => {
    const creator = await courses.creatorByCompany(String(req.params.companyId));
    const videoId = videoIdFrom(req.params.videoId);
    if (!creator || videoId === null) throw new NotFoundError(creator ? NO_VIDEO : NO_COURSE);
    const admitted = await admitToPage(req, res, courses, creator);
    if (!admitted) return;
    const videos = await courses.watchableVideos(creator.id, admitted.access);
    const index = videos.findIndex((v) => v.id === videoId);
    const video = videos[index];
    if (!video || !isPlayable(video)) {
      // A playable video of this creator left out of the list: the product rule refused it.
      const refusal = await refusalOfUnlisted({ courses, refusals: deps.refusals }, creator, videoId, admitted.access);
      if (refusal) return renderRefused(res, refusal);
      throw new NotFoundError(NO_VIDEO);
    }
    const next = videos[index + 1];
    const isPreview = admitted.access.kind === 'owner';
    const resumeAt = isPreview ? 0 : await deps.progress.resumeAt(admitted.viewer.user.id, video);
    res.render('pages/player', {
      branding: await deps.branding?.shownFor(creator),
      title: video.title,
      creatorName: creatorName(creator),
      courseHref: coursePath(creator.whopCompanyId),
      video: {
        title: video.title,
        durationSeconds: video.durationSeconds,
        mimeType: video.mimeType,
        width: video.width,
        height: video.height,
      },
      position: index + 1,
      count: videos.length,
      mediaUrl: signedMediaUrl(deps.mediaUrls, admitted, video.id),
      // Previews are not recorded: the creator's own views would skew their analytics.
      progressUrl: isPreview ? null : progressPath(video.id),
      resumeAt,
      isPreview,
      next: next ? { title: next.title, href: playerPath(creator.whopCompanyId, next.id) } : null,
    });
  };

  return { show, player };
}
