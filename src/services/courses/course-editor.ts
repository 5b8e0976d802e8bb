/**
 * The write side of the course builder. Every change to an existing course runs in one
 * transaction that locks the course row, checks the version the creator's page was drawn from
 * and bumps it: a change sent from a stale tab (the order it shows is no longer the order in
 * the database) is refused with a ConflictError and changes nothing. Everything is scoped to
 * the creator: another creator's course, module, lesson or video is simply not found.
 * Texts arrive validated (controllers/course-request-schemas.ts); the database checks them again.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/app-errors.ts';
import { coursePositions, LESSONS, MODULES, stepped, type MoveDirection } from './course-positions.ts';
import type { CourseStatus } from './course-catalog.ts';

export const STALE_COURSE =
  'This course changed in another tab or window since this page was loaded, so nothing was changed. The page now ' +
  'shows the current course: check it and try again.';
const NO_COURSE = 'That course is not one of yours.';
const NO_MODULE = 'That module is not in this course.';
const NO_LESSON = 'That lesson is not in this course.';
const NO_VIDEO = 'That video is not in your library.';

/** What a move did: `moved`, or `edge` when the item already is first (up) or last (down). */
export type MoveOutcome = 'moved' | 'edge';

export interface LessonInput {
  title: string;
  body: string;
  videoId: number;
}

/** Which course a change is for, and the version the creator's page showed. */
export interface CourseRef {
  creatorId: number;
  courseId: number;
  version: number;
}

export function createCourseEditor(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;
  const positions = coursePositions(sequelize);

  async function one<T extends object>(sql: string, replacements: Record<string, unknown>, transaction: Transaction) {
    const [row] = await sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
    return row;
  }

  /** Runs `work` on the locked course when `ref.version` is still current, then bumps the version. */
  function change<T>(ref: CourseRef, work: (transaction: Transaction) => Promise<T>): Promise<T> {
    return sequelize.transaction(async (transaction) => {
      const course = await one<{ version: number }>(
        'SELECT version FROM courses WHERE id = :courseId AND creator_id = :creatorId FOR UPDATE',
        { ...ref },
        transaction,
      );
      if (!course) throw new NotFoundError(NO_COURSE);
      if (course.version !== ref.version) throw new ConflictError(STALE_COURSE);
      const result = await work(transaction);
      await sequelize.query('UPDATE courses SET version = version + 1, updated_at = now() WHERE id = :courseId', {
        replacements: { ...ref },
        transaction,
      });
      return result;
    });
  }

  async function moduleOf(ref: CourseRef, moduleId: number, transaction: Transaction): Promise<void> {
    const row = await one(
      'SELECT id FROM course_modules WHERE id = :moduleId AND course_id = :courseId',
      { ...ref, moduleId },
      transaction,
    );
    if (!row) throw new NotFoundError(NO_MODULE);
  }

  async function lessonOf(ref: CourseRef, lessonId: number, transaction: Transaction): Promise<{ module_id: number }> {
    const row = await one<{ module_id: number }>(
      `SELECT l.module_id FROM course_lessons l JOIN course_modules m ON m.id = l.module_id
        WHERE l.id = :lessonId AND m.course_id = :courseId`,
      { ...ref, lessonId },
      transaction,
    );
    if (!row) throw new NotFoundError(NO_LESSON);
    return row;
  }

  async function videoOf(creatorId: number, videoId: number, transaction: Transaction): Promise<void> {
    const row = await one(
      'SELECT id FROM videos WHERE id = :videoId AND creator_id = :creatorId',
      { creatorId, videoId },
      transaction,
    );
    if (!row) throw new ValidationError(NO_VIDEO, [{ field: 'videoId', message: NO_VIDEO }]);
  }

  return {
    /** A new draft course with no modules; returns its id. */
    async create(creatorId: number, title: string): Promise<number> {
      const [row] = await sequelize.query<{ id: number }>(
        'INSERT INTO courses (creator_id, title) VALUES (:creatorId, :title) RETURNING id',
        { replacements: { creatorId, title }, type: QueryTypes.SELECT },
      );
      return row!.id;
    },

    rename(ref: CourseRef, title: string): Promise<void> {
      return change(ref, async (transaction) => {
        await sequelize.query('UPDATE courses SET title = :title WHERE id = :courseId', {
          replacements: { ...ref, title },
          transaction,
        });
      });
    },

    /** Publishes (students see it) or unpublishes (back to draft). A course is published with at least one lesson. */
    setStatus(ref: CourseRef, status: CourseStatus): Promise<void> {
      return change(ref, async (transaction) => {
        if (status === 'published') {
          const lesson = await one(
            'SELECT 1 FROM course_lessons l JOIN course_modules m ON m.id = l.module_id ' +
              'WHERE m.course_id = :courseId LIMIT 1',
            { ...ref },
            transaction,
          );
          if (!lesson) throw new ValidationError('Add at least one lesson before publishing the course.');
        }
        await sequelize.query(
          `UPDATE courses SET status = :status,
             published_at = CASE WHEN :status = 'published' THEN coalesce(published_at, now()) ELSE published_at END
           WHERE id = :courseId`,
          { replacements: { ...ref, status }, transaction },
        );
      });
    },

    /** Which products open the course: all of the creator's, or the listed ones (at least one). */
    async setProducts(ref: CourseRef, choice: { allProducts: boolean; productIds: string[] }): Promise<void> {
      if (!choice.allProducts && choice.productIds.length === 0)
        throw new ValidationError('Choose at least one product, or let all your products open the course.');
      return change(ref, async (transaction) => {
        await sequelize.query('UPDATE courses SET all_products = :all WHERE id = :courseId', {
          replacements: { ...ref, all: choice.allProducts },
          transaction,
        });
        await sequelize.query('DELETE FROM course_products WHERE course_id = :courseId', {
          replacements: { ...ref },
          transaction,
        });
        if (!choice.allProducts)
          await sequelize.query(
            `INSERT INTO course_products (course_id, whop_product_id)
               SELECT :courseId, p FROM unnest(ARRAY[:ids]::text[]) AS p ON CONFLICT DO NOTHING`,
            { replacements: { ...ref, ids: choice.productIds }, transaction },
          );
      });
    },

    addModule(ref: CourseRef, title: string): Promise<number> {
      return change(ref, async (transaction) => {
        const position = await positions.next(MODULES, ref.courseId, transaction);
        const row = await one<{ id: number }>(
          'INSERT INTO course_modules (course_id, title, position) VALUES (:courseId, :title, :position) RETURNING id',
          { ...ref, title, position },
          transaction,
        );
        return row!.id;
      });
    },

    renameModule(ref: CourseRef, moduleId: number, title: string): Promise<void> {
      return change(ref, async (transaction) => {
        await moduleOf(ref, moduleId, transaction);
        await sequelize.query('UPDATE course_modules SET title = :title, updated_at = now() WHERE id = :moduleId', {
          replacements: { moduleId, title },
          transaction,
        });
      });
    },

    /** Deletes the module with its lessons (the videos stay in the library) and closes the gap. */
    removeModule(ref: CourseRef, moduleId: number): Promise<void> {
      return change(ref, async (transaction) => {
        await moduleOf(ref, moduleId, transaction);
        await sequelize.query('DELETE FROM course_modules WHERE id = :moduleId', {
          replacements: { moduleId },
          transaction,
        });
        await positions.renumber(
          MODULES,
          ref.courseId,
          await positions.ordered(MODULES, ref.courseId, transaction),
          transaction,
        );
      });
    },

    moveModule(ref: CourseRef, moduleId: number, direction: MoveDirection): Promise<MoveOutcome> {
      return change(ref, async (transaction) => {
        await moduleOf(ref, moduleId, transaction);
        const ids = stepped(await positions.ordered(MODULES, ref.courseId, transaction), moduleId, direction);
        if (!ids) return 'edge';
        await positions.renumber(MODULES, ref.courseId, ids, transaction);
        return 'moved';
      });
    },

    /** A lesson at the end of the module; returns its id. */
    addLesson(ref: CourseRef, moduleId: number, lesson: LessonInput): Promise<number> {
      return change(ref, async (transaction) => {
        await moduleOf(ref, moduleId, transaction);
        await videoOf(ref.creatorId, lesson.videoId, transaction);
        const position = await positions.next(LESSONS, moduleId, transaction);
        const row = await one<{ id: number }>(
          `INSERT INTO course_lessons (module_id, video_id, title, body, position)
           VALUES (:moduleId, :videoId, :title, :body, :position) RETURNING id`,
          { moduleId, ...lesson, position },
          transaction,
        );
        return row!.id;
      });
    },

    editLesson(ref: CourseRef, lessonId: number, lesson: LessonInput): Promise<void> {
      return change(ref, async (transaction) => {
        await lessonOf(ref, lessonId, transaction);
        await videoOf(ref.creatorId, lesson.videoId, transaction);
        await sequelize.query(
          `UPDATE course_lessons SET title = :title, body = :body, video_id = :videoId, updated_at = now()
            WHERE id = :lessonId`,
          { replacements: { lessonId, ...lesson }, transaction },
        );
      });
    },

    removeLesson(ref: CourseRef, lessonId: number): Promise<void> {
      return change(ref, async (transaction) => {
        const { module_id: moduleId } = await lessonOf(ref, lessonId, transaction);
        await sequelize.query('DELETE FROM course_lessons WHERE id = :lessonId', {
          replacements: { lessonId },
          transaction,
        });
        await positions.renumber(
          LESSONS,
          moduleId,
          await positions.ordered(LESSONS, moduleId, transaction),
          transaction,
        );
      });
    },

    /** One step up or down inside its module. */
    moveLesson(ref: CourseRef, lessonId: number, direction: MoveDirection): Promise<MoveOutcome> {
      return change(ref, async (transaction) => {
        const { module_id: moduleId } = await lessonOf(ref, lessonId, transaction);
        const ids = stepped(await positions.ordered(LESSONS, moduleId, transaction), lessonId, direction);
        if (!ids) return 'edge';
        await positions.renumber(LESSONS, moduleId, ids, transaction);
        return 'moved';
      });
    },

    /** To the end of another module of the same course; the module it leaves closes the gap. */
    moveLessonTo(ref: CourseRef, lessonId: number, targetModuleId: number): Promise<MoveOutcome> {
      return change(ref, async (transaction) => {
        const { module_id: from } = await lessonOf(ref, lessonId, transaction);
        await moduleOf(ref, targetModuleId, transaction);
        if (from === targetModuleId) return 'edge';
        const position = await positions.next(LESSONS, targetModuleId, transaction);
        await sequelize.query(
          'UPDATE course_lessons SET module_id = :targetModuleId, position = :position, updated_at = now() ' +
            'WHERE id = :lessonId',
          { replacements: { lessonId, targetModuleId, position }, transaction },
        );
        await positions.renumber(LESSONS, from, await positions.ordered(LESSONS, from, transaction), transaction);
        return 'moved';
      });
    },
  };
}

export type CourseEditor = ReturnType<typeof createCourseEditor>;
