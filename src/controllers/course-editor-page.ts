/**
 * The course editor page (`/dashboard/courses/:courseId`) and the way every builder form ends:
 * a change that worked redirects back to the editor with a flash (POST-redirect-GET); a refused
 * one (bad input, or a stale tab) renders the editor again with the reason, status 400 or 409,
 * and changes nothing. Below Basic the editor is read-only with an upgrade link.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ConflictError, NotFoundError, ValidationError } from '../domain/app-errors.ts';
import { hasFeature } from '../domain/tier-table.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { setFlash, setFlashAt } from '../sessions/flash.ts';
import { formStateOf, type FormState } from '../views/form-state.ts';
import { coursePath } from '../http/route-paths.ts';
import type { CourseCatalog } from '../services/courses/course-catalog.ts';
import type { CourseProducts } from '../services/courses/course-products.ts';
import type { VideoLibrary } from '../services/videos/video-library.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { pathId, versionSchema } from './course-request-schemas.ts';
import { parseBody } from './request-schemas.ts';
import type { CourseRef } from '../services/courses/course-editor.ts';

export const COURSES = '/dashboard/courses';
export const editorPath = (courseId: number) => `${COURSES}/${courseId}`;

export interface EditorPageDeps {
  catalog: Pick<CourseCatalog, 'find'>;
  products: Pick<CourseProducts, 'list'>;
  library: Pick<VideoLibrary, 'list'>;
  plans: Pick<PlansService, 'upgradeForFeature'>;
}

const NO_COURSE = 'That course is not one of yours.';

/** The course id in the path: one of the creator's courses or a 404. */
export function courseIdOf(req: Request): number {
  const id = pathId(req.params.courseId);
  if (id === null) throw new NotFoundError(NO_COURSE);
  return id;
}

/** The path id named `name`, or a 404 saying what is missing. */
export function idOf(req: Request, name: 'moduleId' | 'lessonId'): number {
  const id = pathId(req.params[name]);
  if (id === null)
    throw new NotFoundError(
      name === 'moduleId' ? 'That module is not in this course.' : 'That lesson is not in this course.',
    );
  return id;
}

export function editorPage(deps: EditorPageDeps) {
  async function render(
    req: Request,
    res: Response,
    refusal?: { status: number; message: string; formState?: FormState },
  ): Promise<void> {
    const creator = creatorOf(req);
    const course = await deps.catalog.find(creator.id, courseIdOf(req));
    if (!course) throw new NotFoundError(NO_COURSE);
    const editable = hasFeature(creator.tier, 'course_builder');
    const [videos, products] = await Promise.all([
      deps.library.list(creator.id),
      editable ? deps.products.list(creator) : Promise.resolve({ products: [], whopAnswered: true }),
    ]);
    res.status(refusal?.status ?? 200).render('pages/course-editor', {
      title: `Edit “${course.title}”`,
      course,
      editable,
      upgradeUrl: deps.plans.upgradeForFeature('course_builder'),
      studentPageHref: coursePath(creator.whopCompanyId),
      videos: videos.map((v) => ({ id: v.id, title: v.title, ready: v.status === 'ready' })),
      products: products.products,
      productsFromWhop: products.whopAnswered,
      formState: refusal?.formState,
      // A refusal that names a field is said next to it; any other at the top of the page.
      // (No refusal: the flash, if any, from flash-locals.ts.)
      ...(refusal &&
        (refusal.formState
          ? { message: undefined, messageTarget: undefined }
          : { message: refusal.message, messageKind: 'error', messageLink: undefined })),
    });
  }

  /**
   * A builder form: `work` gets the course reference (with the version the page showed) and
   * returns the flash to show, shown inside the element `anchor` the redirect lands on (or at the
   * top). Refusals render the editor again; `fields` (the form's field names to their element
   * ids) lets a refusal keep what was typed and say the reason next to its field.
   */
  function change(
    work: (req: Request, ref: CourseRef) => Promise<{ message: string; anchor?: string; kind?: 'ok' | 'info' }>,
    fields?: (req: Request) => Record<string, string>,
  ): RequestHandler {
    return async (req, res) => {
      const courseId = courseIdOf(req);
      try {
        const { version } = parseBody(versionSchema, req.body);
        const outcome = await work(req, { creatorId: creatorOf(req).id, courseId, version });
        if (outcome.anchor) setFlashAt(req, outcome.anchor, outcome.message, outcome.kind ?? 'ok');
        else setFlash(req, outcome.message, outcome.kind ?? 'ok');
        res.redirect(303, `${editorPath(courseId)}${outcome.anchor ? `#${outcome.anchor}` : ''}`);
      } catch (error) {
        if (error instanceof ValidationError) {
          const formState = fields ? formStateOf(error.details, fields(req), req.body) : undefined;
          return render(req, res, { status: 400, message: error.message, formState });
        }
        if (error instanceof ConflictError) return render(req, res, { status: 409, message: error.message });
        throw error;
      }
    };
  }

  return { show: ((req, res) => render(req, res)) as RequestHandler, change };
}
