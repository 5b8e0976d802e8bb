/**
 * What a member sees of a creator's courses: the published courses their products open, each
 * with its modules and lessons in order, the progress of each lesson (from watch progress) and
 * the lesson to continue with. Pages (the course page, the Whop App view) render it; they pass
 * how a lesson is linked. `null` means the creator has no published course: the page shows
 * the creator's flat video list instead.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { courseOpensFor, type Course, type CourseCatalog, type CourseLesson } from './course-catalog.ts';

export type LessonState = 'completed' | 'started' | 'not_started' | 'video_removed' | 'not_ready';

export interface LessonView {
  id: number;
  title: string;
  href: string;
  state: LessonState;
  /** How far the viewer got, 0..100 (started lessons). */
  percent: number;
  durationSeconds: number | null;
}

export interface CourseView {
  id: number;
  title: string;
  modules: { id: number; title: string; lessons: LessonView[] }[];
  completedLessons: number;
  totalLessons: number;
}

export interface StudentCourseView {
  courses: CourseView[];
  /** The lesson to continue with: the last one watched, or the one after it when that one was completed. */
  continueWith: { lessonId: number; title: string; courseTitle: string; href: string; resumeSeconds: number } | null;
}

/** Who is looking: the owner previews every published course; a student sees the ones their products open. */
export type CourseViewer = { kind: 'owner' } | { kind: 'student'; userId: number; whopUserId: string };

interface ProgressRow {
  video_id: number;
  position_seconds: number;
  completed: boolean;
  last_saved_at: Date;
}

function stateOf(lesson: CourseLesson, progress: ProgressRow | undefined): LessonState {
  if (!lesson.video) return 'video_removed';
  if (lesson.video.status !== 'ready') return 'not_ready';
  if (!progress) return 'not_started';
  return progress.completed ? 'completed' : progress.position_seconds > 0 ? 'started' : 'not_started';
}

export function createStudentCourseView(deps: { sequelize: Sequelize; catalog: Pick<CourseCatalog, 'published'> }) {
  const { sequelize } = deps;

  /** The products of the student's memberships that grant access (video-product-rule.ts, the same rule). */
  async function productsOf(creatorId: number, whopUserId: string): Promise<string[]> {
    const rows = await sequelize.query<{ whop_product_id: string }>(
      `SELECT DISTINCT sm.whop_product_id FROM students s
         JOIN student_memberships sm ON sm.student_id = s.id AND sm.grants_access AND sm.whop_product_id IS NOT NULL
        WHERE s.creator_id = :creatorId AND s.whop_user_id = :whopUserId`,
      { replacements: { creatorId, whopUserId }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.whop_product_id);
  }

  async function progressOf(userId: number, videoIds: number[]): Promise<Map<number, ProgressRow>> {
    if (videoIds.length === 0) return new Map();
    const rows = await sequelize.query<ProgressRow>(
      `SELECT video_id, position_seconds, completed_at IS NOT NULL AS completed, last_saved_at
         FROM watch_progress WHERE user_id = :userId AND video_id IN (:videoIds)`,
      { replacements: { userId, videoIds }, type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.video_id, { ...r, position_seconds: Number(r.position_seconds) }]));
  }

  /** The published courses this viewer may open, as trees (the lesson page looks its lesson up here). */
  async function openCourses(creatorId: number, viewer: CourseViewer): Promise<Course[] | null> {
    const published = await deps.catalog.published(creatorId);
    if (published.length === 0) return null;
    if (viewer.kind === 'owner') return published;
    const productIds = await productsOf(creatorId, viewer.whopUserId);
    return published.filter((course) => courseOpensFor(course, productIds));
  }

  async function view(
    creatorId: number,
    viewer: CourseViewer,
    lessonHref: (lessonId: number) => string,
  ): Promise<StudentCourseView | null> {
    const courses = await openCourses(creatorId, viewer);
    if (!courses) return null;
    const lessons = courses.flatMap((c) =>
      c.modules.flatMap((m) => m.lessons.map((lesson) => ({ lesson, course: c }))),
    );
    const videoIds = [...new Set(lessons.flatMap(({ lesson }) => (lesson.video ? [lesson.video.id] : [])))];
    const progress =
      viewer.kind === 'student' ? await progressOf(viewer.userId, videoIds) : new Map<number, ProgressRow>();
    const progressOfLesson = (lesson: CourseLesson) => (lesson.video ? progress.get(lesson.video.id) : undefined);

    const lessonView = (lesson: CourseLesson): LessonView => {
      const p = progressOfLesson(lesson);
      const duration = lesson.video?.durationSeconds ?? null;
      const state = stateOf(lesson, p);
      const percent =
        state === 'completed'
          ? 100
          : p && duration
            ? Math.min(99, Math.floor((p.position_seconds / duration) * 100))
            : 0;
      return {
        id: lesson.id,
        title: lesson.title,
        href: lessonHref(lesson.id),
        state,
        percent,
        durationSeconds: duration,
      };
    };

    return {
      courses: courses.map((course) => {
        const modules = course.modules.map((m) => ({ id: m.id, title: m.title, lessons: m.lessons.map(lessonView) }));
        const all = modules.flatMap((m) => m.lessons);
        return {
          id: course.id,
          title: course.title,
          modules,
          completedLessons: all.filter((l) => l.state === 'completed').length,
          totalLessons: all.length,
        };
      }),
      continueWith: continueFrom(lessons, progressOfLesson, lessonHref),
    };
  }

  return { view, openCourses };
}

/** The most recently watched lesson if unfinished, else the next playable lesson of that course after it. */
function continueFrom(
  lessons: { lesson: CourseLesson; course: Course }[],
  progressOf: (lesson: CourseLesson) => ProgressRow | undefined,
  lessonHref: (lessonId: number) => string,
): StudentCourseView['continueWith'] {
  let latest: { index: number; progress: ProgressRow } | undefined;
  lessons.forEach(({ lesson }, index) => {
    const p = progressOf(lesson);
    if (p && (!latest || new Date(p.last_saved_at) > new Date(latest.progress.last_saved_at)))
      latest = { index, progress: p };
  });
  if (!latest) return null;
  let index = latest.index;
  if (latest.progress.completed) {
    const course = lessons[index]!.course;
    index = lessons.findIndex(
      ({ lesson, course: c }, i) =>
        i > latest!.index && c.id === course.id && lesson.video?.status === 'ready' && !progressOf(lesson)?.completed,
    );
    if (index < 0) return null;
  }
  const { lesson, course } = lessons[index]!;
  const p = progressOf(lesson);
  return {
    lessonId: lesson.id,
    title: lesson.title,
    courseTitle: course.title,
    href: lessonHref(lesson.id),
    resumeSeconds: p && !p.completed ? p.position_seconds : 0,
  };
}

export type StudentCourseViewService = ReturnType<typeof createStudentCourseView>;
