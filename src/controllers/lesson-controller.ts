/**
 * `GET /courses/:companyId/lessons/:lessonId`: one lesson of a published course the viewer may
 * open (its product opens the course; the creator previews), with the player resuming where the
 * student stopped, the lesson's text and a link to the next lesson. A lesson whose video was
 * deleted says "Video removed" instead of failing.
 */
import type { RequestHandler } from 'express';
import { NotFoundError } from '../domain/app-errors.ts';
import { coursePath, lessonPath, progressPath } from '../http/route-paths.ts';
import { isPlayable, type CourseAccessService } from '../services/watching/course-access-service.ts';
import type { WatchProgressService } from '../services/watching/watch-progress-service.ts';
import type { StudentCourseViewService } from '../services/courses/student-course-view.ts';
import type { BrandingService } from '../services/branding/branding-service.ts';
import { admitToPage, creatorName } from './course-gate.ts';
import { pathId } from './course-request-schemas.ts';
import { courseViewerOf } from './course-viewer.ts';
import type { MediaUrlSigner } from '../services/watching/media-url-signer.ts';
import { signedMediaUrl } from './signed-media-url.ts';

const NO_LESSON = 'This lesson is not in a course open to you.';

export function lessonController(deps: {
  courses: CourseAccessService;
  progress: Pick<WatchProgressService, 'resumeAt'>;
  studentCourses: Pick<StudentCourseViewService, 'openCourses'>;
  /** Signs the player's media URL for the viewer (signed-media-url.ts). */
  mediaUrls: Pick<MediaUrlSigner, 'sign'>;
  /** The creator's branding, as on the course and player pages (Pro and up); absent, Chronos's own. */
  branding?: Pick<BrandingService, 'shownFor'>;
}) {
  const show: RequestHandler = async (req, res) => {
    const creator = await deps.courses.creatorByCompany(String(req.params.companyId));
    const lessonId = pathId(req.params.lessonId);
    if (!creator || lessonId === null) throw new NotFoundError(NO_LESSON);
    const admitted = await admitToPage(req, res, deps.courses, creator);
    if (!admitted) return;
    const viewer = courseViewerOf(admitted);
    const courses = (await deps.studentCourses.openCourses(creator.id, viewer)) ?? [];
    const course = courses.find((c) => c.modules.some((m) => m.lessons.some((l) => l.id === lessonId)));
    if (!course) throw new NotFoundError(NO_LESSON);
    const lessons = course.modules.flatMap((m) => m.lessons.map((lesson) => ({ lesson, module: m })));
    const index = lessons.findIndex(({ lesson }) => lesson.id === lessonId);
    const { lesson, module } = lessons[index]!;
    const next = lessons[index + 1]?.lesson;
    const video = lesson.video ? await deps.courses.video(lesson.video.id) : null;
    const playable = video && isPlayable(video) ? video : null;
    const resumeAt = playable && viewer.kind === 'student' ? await deps.progress.resumeAt(viewer.userId, playable) : 0;
    res.render('pages/lesson', {
      branding: await deps.branding?.shownFor(creator),
      title: lesson.title,
      creatorName: creatorName(creator),
      courseTitle: course.title,
      moduleTitle: module.title,
      courseHref: coursePath(creator.whopCompanyId),
      lesson: { title: lesson.title, body: lesson.body },
      position: index + 1,
      count: lessons.length,
      // Deleted: the lesson stays and says so; uploading or failed: not ready yet.
      unavailable: playable ? null : lesson.video ? 'not_ready' : 'removed',
      video: playable
        ? {
            title: playable.title,
            durationSeconds: playable.durationSeconds,
            mimeType: playable.mimeType,
            width: playable.width,
            height: playable.height,
          }
        : null,
      mediaUrl: playable ? signedMediaUrl(deps.mediaUrls, admitted, playable.id) : null,
      progressUrl: playable && viewer.kind === 'student' ? progressPath(playable.id) : null,
      resumeAt,
      isPreview: viewer.kind === 'owner',
      next: next ? { title: next.title, href: lessonPath(creator.whopCompanyId, next.id) } : null,
    });
  };
  return { show };
}
