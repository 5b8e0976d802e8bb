/** The course builder: list and editor pages (read-only below Basic), and its forms (Basic and up). */
import { Router } from 'express';
import { courseBuilderController } from '../controllers/course-builder-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';

export function courseBuilderRoutes(deps: { services: Services }): Router {
  const router = Router();
  const { services } = deps;
  const builder = courseBuilderController({
    catalog: services.courseCatalog,
    editor: services.courseEditor,
    products: services.courseProducts,
    library: services.videoLibrary,
    plans: services.plans,
  });
  const creator = [requireAuth, requireCreator];
  const editing = [requireAuth, requireCreator, builder.locked];
  const course = '/dashboard/courses/:courseId';
  router.get('/dashboard/courses', creator, builder.list);
  router.post('/dashboard/courses', editing, builder.create);
  router.get(course, creator, builder.show);
  router.post(`${course}/title`, editing, builder.rename);
  router.post(`${course}/status`, editing, builder.status);
  router.post(`${course}/products`, editing, builder.products);
  router.post(`${course}/modules`, editing, builder.addModule);
  router.post(`${course}/modules/:moduleId/title`, editing, builder.renameModule);
  router.post(`${course}/modules/:moduleId/move`, editing, builder.moveModule);
  router.post(`${course}/modules/:moduleId/delete`, editing, builder.removeModule);
  router.post(`${course}/modules/:moduleId/lessons`, editing, builder.addLesson);
  router.post(`${course}/lessons/:lessonId`, editing, builder.editLesson);
  router.post(`${course}/lessons/:lessonId/move`, editing, builder.moveLesson);
  router.post(`${course}/lessons/:lessonId/module`, editing, builder.moveLessonTo);
  router.post(`${course}/lessons/:lessonId/delete`, editing, builder.removeLesson);
  return router;
}
