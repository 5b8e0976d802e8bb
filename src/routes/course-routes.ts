/** Watching: the course pages and the media route. Each handler checks the session and access itself (401 page, 403 with the reason). */
import { Router } from 'express';
import { courseController } from '../controllers/course-controller.ts';
import { mediaController } from '../controllers/media-controller.ts';
import type { Services } from '../services/build-services.ts';

export function courseRoutes(deps: { services: Services }): Router {
  const router = Router();
  const { courses, progress, mediaStorage } = deps.services;
  const course = courseController({ courses, progress });
  const media = mediaController({ courses, storage: mediaStorage });
  router.get('/courses/:companyId', course.show);
  router.get('/courses/:companyId/videos/:videoId', course.player);
  router.get('/media/videos/:videoId', media.stream);
  return router;
}
