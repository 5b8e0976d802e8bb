/**
 * Watching: the course pages and the media route. Each handler checks the session and access itself (401 page, 403 with
 * the reason).
 */
import { Router } from 'express';
import { courseController } from '../controllers/course-controller.ts';
import { mediaController } from '../controllers/media-controller.ts';
import { lessonController } from '../controllers/lesson-controller.ts';
import type { Services } from '../services/build-services.ts';

export function courseRoutes(deps: { services: Services }): Router {
  const router = Router();
  const { courses, progress, branding, studentCourses, mediaUrls, videoRefusals } = deps.services;
  const course = courseController({ courses, progress, branding, studentCourses, mediaUrls, refusals: videoRefusals });
  const lesson = lessonController({ courses, progress, studentCourses, branding, mediaUrls });
  router.get('/courses/:companyId', course.show);
  router.get('/courses/:companyId/videos/:videoId', course.player);
  router.get('/courses/:companyId/lessons/:lessonId', lesson.show);
  return router;
}

/**
 * The media route, mounted as soon as the signed-in user is known (app.ts): a player sends a
 * Range request every second or so while watching, and none of them needs the page routers,
 * the CSRF check or the page error handling that the other routes pass through first.
 */
export function mediaRoutes(deps: { services: Pick<Services, 'courses' | 'mediaStorage' | 'videoRefusals'> }): Router {
  const router = Router();
  const { courses, mediaStorage, videoRefusals } = deps.services;
  const media = mediaController({ courses, storage: mediaStorage, refusals: videoRefusals });
  router.get('/media/videos/:videoId', media.stream);
  return router;
}
