/**
 * The creator API's reads of courses: the course builder's trees (modules and lessons in order,
 * a lesson's video null when it was deleted), one page at a time in id order, scoped to the creator.
 */
import type { Course, CourseCatalog, CourseStatus, LessonVideo } from '../courses/course-catalog.ts';

export interface ApiLesson {
  id: number;
  title: string;
  body: string;
  position: number;
  video: LessonVideo | null;
}

export interface ApiCourse {
  id: number;
  title: string;
  status: CourseStatus;
  allProducts: boolean;
  productIds: string[];
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  modules: { id: number; title: string; position: number; lessons: ApiLesson[] }[];
}

function apiCourse(course: Course): ApiCourse {
  return {
    id: course.id,
    title: course.title,
    status: course.status,
    allProducts: course.allProducts,
    productIds: course.productIds,
    publishedAt: course.publishedAt,
    createdAt: course.createdAt,
    updatedAt: course.updatedAt,
    modules: course.modules.map((module) => ({
      id: module.id,
      title: module.title,
      position: module.position,
      lessons: module.lessons.map(({ id, title, body, position, video }) => ({ id, title, body, position, video })),
    })),
  };
}

export function createApiCoursesQuery(deps: { catalog: Pick<CourseCatalog, 'list'> }) {
  return {
    /** Up to `limit` courses with an id above `afterId`, lowest id first. */
    async page(creatorId: number, afterId: number, limit: number): Promise<ApiCourse[]> {
      const courses = await deps.catalog.list(creatorId);
      return courses
        .filter((course) => course.id > afterId)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit)
        .map(apiCourse);
    },
  };
}

export type ApiCoursesQuery = ReturnType<typeof createApiCoursesQuery>;
