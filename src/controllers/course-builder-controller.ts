/**
 * The course builder (`/dashboard/courses`, Basic and up): the list of the creator's courses
 * with the form that starts one, and every change made in the editor. Moves are plain forms
 * ("Move up", "Move down", "Move to module"), so everything works from the keyboard and
 * without JavaScript. Below Basic: a creator who never built a course sees what the builder is,
 * locked, with the upgrade link; one who downgraded keeps read-only pages (the published
 * courses stay open to students) and every change is refused by `requireFeature`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ValidationError } from '../domain/app-errors.ts';
import { hasFeature } from '../domain/tier-table.ts';
import { creatorOf, requireFeature } from '../middleware/require-creator.ts';
import { setFlash } from '../sessions/flash.ts';
import type { CourseCatalog } from '../services/courses/course-catalog.ts';
import type { CourseEditor } from '../services/courses/course-editor.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import {
  courseTitleSchema,
  lessonSchema,
  moduleTitleSchema,
  moveSchema,
  moveToModuleSchema,
  productChoiceSchema,
  statusSchema,
} from './course-request-schemas.ts';
import { parseBody } from './request-schemas.ts';
import { COURSES, editorPage, editorPath, idOf, type EditorPageDeps } from './course-editor-page.ts';

/** A lesson form's fields by name, to their element ids (`prefix` as the form partial draws them). */
const lessonFields = (prefix: string) => ({
  title: `${prefix}-title`,
  videoId: `${prefix}-video`,
  body: `${prefix}-body`,
});

export function courseBuilderController(
  deps: EditorPageDeps & {
    catalog: Pick<CourseCatalog, 'list' | 'find'>;
    editor: CourseEditor;
    plans: Pick<PlansService, 'upgradeForFeature'>;
  },
) {
  const { editor } = deps;
  const page = editorPage(deps);
  const locked = requireFeature('course_builder', deps.plans);

  async function renderList(
    req: Request,
    res: Response,
    next: NextFunction,
    refusal?: { message: string; title: string },
  ) {
    const creator = creatorOf(req);
    const courses = await deps.catalog.list(creator.id);
    const editable = hasFeature(creator.tier, 'course_builder');
    // Never built a course below Basic: the locked page says what the builder is and links the upgrade.
    if (!editable && courses.length === 0) return locked(req, res, next);
    res.status(refusal ? 400 : 200).render('pages/course-list', {
      title: 'Courses',
      courses: courses.map((c) => ({
        id: c.id,
        title: c.title,
        status: c.status,
        href: editorPath(c.id),
        modules: c.modules.length,
        lessons: c.modules.reduce((n, m) => n + m.lessons.length, 0),
      })),
      editable,
      upgradeUrl: deps.plans.upgradeForFeature('course_builder'),
      typedTitle: refusal?.title ?? '',
      titleError: refusal?.message ?? null,
    });
  }

  const list: RequestHandler = (req, res, next) => renderList(req, res, next);

  const create: RequestHandler = async (req, res, next) => {
    let title: string;
    try {
      title = parseBody(courseTitleSchema, req.body).title;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const typed = typeof body.title === 'string' ? body.title.slice(0, 500) : '';
      return renderList(req, res, next, { message: error.message, title: typed });
    }
    const id = await editor.create(creatorOf(req).id, title);
    setFlash(req, `Created the course “${title}”. Add a module, then lessons.`, 'ok');
    res.redirect(303, editorPath(id));
  };

  const moved = (outcome: 'moved' | 'edge', what: string, edge: string) =>
    outcome === 'edge'
      ? { message: `That ${what} is already ${edge}.`, kind: 'info' as const }
      : { message: `Moved the ${what}.` };

  const handlers = {
    rename: page.change(
      async (req, ref) => {
        const { title } = parseBody(courseTitleSchema, req.body);
        await editor.rename(ref, title);
        return { message: `Renamed the course to “${title}”.` };
      },
      () => ({ title: 'course-title' }),
    ),
    status: page.change(async (req, ref) => {
      const { status } = parseBody(statusSchema, req.body);
      await editor.setStatus(ref, status);
      return {
        message:
          status === 'published'
            ? 'Published: your students can open this course now.'
            : 'Unpublished: students no longer see this course.',
      };
    }),
    products: page.change(async (req, ref) => {
      const choice = parseBody(productChoiceSchema, req.body);
      const { products } = await deps.products.list(creatorOf(req));
      const known = new Set(products.map((p) => p.id));
      const unknown = choice.productIds.find((id) => !known.has(id));
      if (choice.access === 'selected' && unknown !== undefined)
        throw new ValidationError('Choose products of your company only.');
      await editor.setProducts(ref, { allProducts: choice.access === 'all', productIds: choice.productIds });
      return { message: 'Saved which products open this course.', anchor: 'access' };
    }),
    addModule: page.change(
      async (req, ref) => {
        const { title } = parseBody(moduleTitleSchema, req.body);
        const id = await editor.addModule(ref, title);
        return { message: `Added the module “${title}”.`, anchor: `module-${id}` };
      },
      () => ({ title: 'new-module-title' }),
    ),
    renameModule: page.change(
      async (req, ref) => {
        const moduleId = idOf(req, 'moduleId');
        const { title } = parseBody(moduleTitleSchema, req.body);
        await editor.renameModule(ref, moduleId, title);
        return { message: `Renamed the module to “${title}”.`, anchor: `module-${moduleId}` };
      },
      (req) => ({ title: `module-title-${idOf(req, 'moduleId')}` }),
    ),
    moveModule: page.change(async (req, ref) => {
      const moduleId = idOf(req, 'moduleId');
      const { direction } = parseBody(moveSchema, req.body);
      const outcome = await editor.moveModule(ref, moduleId, direction);
      return { ...moved(outcome, 'module', direction === 'up' ? 'first' : 'last'), anchor: `module-${moduleId}` };
    }),
    removeModule: page.change(async (req, ref) => {
      await editor.removeModule(ref, idOf(req, 'moduleId'));
      return { message: 'Deleted the module and its lessons. The videos stay in your library.' };
    }),
    addLesson: page.change(
      async (req, ref) => {
        const moduleId = idOf(req, 'moduleId');
        const lesson = parseBody(lessonSchema, req.body);
        const id = await editor.addLesson(ref, moduleId, lesson);
        return { message: `Added the lesson “${lesson.title}”.`, anchor: `lesson-${id}` };
      },
      (req) => lessonFields(`new-lesson-${idOf(req, 'moduleId')}`),
    ),
    editLesson: page.change(
      async (req, ref) => {
        const lessonId = idOf(req, 'lessonId');
        const lesson = parseBody(lessonSchema, req.body);
        await editor.editLesson(ref, lessonId, lesson);
        return { message: `Saved the lesson “${lesson.title}”.`, anchor: `lesson-${lessonId}` };
      },
      (req) => lessonFields(`lesson-${idOf(req, 'lessonId')}`),
    ),
    moveLesson: page.change(async (req, ref) => {
      const lessonId = idOf(req, 'lessonId');
      const { direction } = parseBody(moveSchema, req.body);
      const outcome = await editor.moveLesson(ref, lessonId, direction);
      return {
        ...moved(outcome, 'lesson', direction === 'up' ? 'first in its module' : 'last in its module'),
        anchor: `lesson-${lessonId}`,
      };
    }),
    moveLessonTo: page.change(async (req, ref) => {
      const lessonId = idOf(req, 'lessonId');
      const { moduleId } = parseBody(moveToModuleSchema, req.body);
      const outcome = await editor.moveLessonTo(ref, lessonId, moduleId);
      return { ...moved(outcome, 'lesson', 'in that module'), anchor: `lesson-${lessonId}` };
    }),
    removeLesson: page.change(async (req, ref) => {
      await editor.removeLesson(ref, idOf(req, 'lessonId'));
      return { message: 'Deleted the lesson. Its video stays in your library.' };
    }),
  };

  return { list, create, show: page.show, ...handlers, locked, home: COURSES };
}
