/**
 * The read side of the course builder: a creator's courses as trees (modules in order, lessons
 * in order, each lesson with its video or `null` when the video was deleted). The builder's
 * pages, the student course page and the creator API (`GET /api/v1/courses`) all read courses
 * through here, always scoped to one creator.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { VideoStatus } from '../../models/video-model.ts';

export type CourseStatus = 'draft' | 'published';

export interface LessonVideo {
  id: number;
  title: string;
  status: VideoStatus;
  durationSeconds: number | null;
}

export interface CourseLesson {
  id: number;
  moduleId: number;
  title: string;
  body: string;
  position: number;
  /** null: the video was deleted ("video removed"). */
  video: LessonVideo | null;
}

export interface CourseModule {
  id: number;
  title: string;
  position: number;
  lessons: CourseLesson[];
}

export interface Course {
  id: number;
  creatorId: number;
  title: string;
  status: CourseStatus;
  /** true: every product of the creator opens the course; false: only `productIds`. */
  allProducts: boolean;
  productIds: string[];
  /** Grows with every change; a form sends it back so a change from a stale tab is refused. */
  version: number;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  modules: CourseModule[];
}

interface CourseRow {
  id: number;
  creator_id: number;
  title: string;
  status: CourseStatus;
  all_products: boolean;
  product_ids: string[] | null;
  version: number;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface LessonRow {
  course_id: number;
  module_id: number;
  module_title: string;
  module_position: number;
  lesson_id: number | null;
  lesson_title: string | null;
  body: string | null;
  lesson_position: number | null;
  video_id: number | null;
  video_title: string | null;
  video_status: VideoStatus | null;
  duration_seconds: number | null;
}

function courseOf(row: CourseRow): Course {
  return {
    id: row.id,
    creatorId: row.creator_id,
    title: row.title,
    status: row.status,
    allProducts: row.all_products,
    productIds: [...(row.product_ids ?? [])].sort(),
    version: row.version,
    publishedAt: row.published_at ? new Date(row.published_at) : null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    modules: [],
  };
}

/** Puts each module row (with its lessons, if any) under its course, in the rows' order. */
function attach(courses: Course[], rows: LessonRow[]): Course[] {
  const byId = new Map(courses.map((c) => [c.id, c]));
  const modules = new Map<number, CourseModule>();
  for (const row of rows) {
    let module = modules.get(row.module_id);
    if (!module) {
      module = { id: row.module_id, title: row.module_title, position: row.module_position, lessons: [] };
      modules.set(row.module_id, module);
      byId.get(row.course_id)?.modules.push(module);
    }
    if (row.lesson_id === null) continue;
    module.lessons.push({
      id: row.lesson_id,
      moduleId: row.module_id,
      title: row.lesson_title ?? '',
      body: row.body ?? '',
      position: row.lesson_position ?? 0,
      video:
        row.video_id === null
          ? null
          : {
              id: row.video_id,
              title: row.video_title ?? '',
              status: row.video_status ?? 'ready',
              durationSeconds: row.duration_seconds,
            },
    });
  }
  return courses;
}

export function createCourseCatalog(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;

  async function load(where: string, replacements: Record<string, unknown>): Promise<Course[]> {
    const rows = await sequelize.query<CourseRow>(
      `SELECT c.id, c.creator_id, c.title, c.status, c.all_products, c.version, c.published_at,
              c.created_at, c.updated_at,
              ARRAY(SELECT p.whop_product_id FROM course_products p WHERE p.course_id = c.id) AS product_ids
         FROM courses c WHERE ${where} ORDER BY c.id`,
      { replacements, type: QueryTypes.SELECT },
    );
    const courses = rows.map(courseOf);
    if (courses.length === 0) return courses;
    const lessons = await sequelize.query<LessonRow>(
      `SELECT m.course_id, m.id AS module_id, m.title AS module_title, m.position AS module_position,
              l.id AS lesson_id, l.title AS lesson_title, l.body, l.position AS lesson_position,
              v.id AS video_id, v.title AS video_title, v.status AS video_status, v.duration_seconds
         FROM course_modules m
         LEFT JOIN course_lessons l ON l.module_id = m.id
         LEFT JOIN videos v ON v.id = l.video_id
        WHERE m.course_id IN (:ids)
        ORDER BY m.course_id, m.position, l.position`,
      { replacements: { ids: courses.map((c) => c.id) }, type: QueryTypes.SELECT },
    );
    return attach(courses, lessons);
  }

  return {
    /** Every course of the creator (drafts included), oldest first, each with its modules and lessons in order. */
    list(creatorId: number): Promise<Course[]> {
      return load('c.creator_id = :creatorId', { creatorId });
    },

    /** The creator's published courses, oldest first, as trees. */
    published(creatorId: number): Promise<Course[]> {
      return load(`c.creator_id = :creatorId AND c.status = 'published'`, { creatorId });
    },

    /** One of the creator's courses, or null (another creator's course id is not found either). */
    async find(creatorId: number, courseId: number): Promise<Course | null> {
      const [course] = await load('c.creator_id = :creatorId AND c.id = :courseId', { creatorId, courseId });
      return course ?? null;
    },
  };
}

export type CourseCatalog = ReturnType<typeof createCourseCatalog>;

/** Whether a student whose granting memberships are of `productIds` may open the course (its product choice). */
export function courseOpensFor(
  course: Pick<Course, 'allProducts' | 'productIds'>,
  productIds: readonly string[],
): boolean {
  if (course.allProducts) return true;
  return course.productIds.some((id) => productIds.includes(id));
}
