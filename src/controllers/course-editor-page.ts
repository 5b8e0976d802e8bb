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
import { setFlash, takeFlash } from '../sessions/flash.ts';
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
  async function render(req: Request, res: Response, refusal?: { status: number; message: string }): Promise<void> {
    const creator = creatorOf(req);
    const course = await deps.catalog.find(creator.id, courseIdOf(req));
    if (!course) throw new NotFoundError(NO_COURSE);
    const editable = hasFeature(creator.tier, 'course_builder');
    const [videos, products] = await Promise.all([
      deps.library.list(creator.id),
      editable ? deps.products.list(creator) : Promise.resolve({ products: [], whopAnswered: true }),
    ]);
    const flash = takeFlash(req);
    res.status(refusal?.status ?? 200).render('pages/course-editor', {
      title: `Edit “${course.title}”`,
      course,
      editable,
      upgradeUrl: deps.plans.upgradeForFeature('course_builder'),
      studentPageHref: coursePath(creator.whopCompanyId),
      videos: videos.map((v) => ({ id: v.id, title: v.title, ready: v.status === 'ready' })),
      products: products.products,
      productsFromWhop: products.whopAnswered,
      ...(refusal ? { message: refusal.message, messageKind: 'error', messageLink: undefined } : flash),
    });
  }

  /**
   * A builder form: `work` gets the course reference (with the version the page showed) and
   * returns the flash to show; refusals render the editor again.
   */
  function change(
    work: (req: Request, ref: CourseRef) => Promise<{ message: string; anchor?: string; kind?: 'ok' | 'info' }>,
  ): RequestHandler {
    return async (req, res) => {
      const courseId = courseIdOf(req);
      try {
        const { version } = parseBody(versionSchema, req.body);
        const outcome = await work(req, { creatorId: creatorOf(req).id, courseId, version });
        setFlash(req, outcome.message, outcome.kind ?? 'ok');
        res.redirect(303, `${editorPath(courseId)}${outcome.anchor ? `#${outcome.anchor}` : ''}`);
      } catch (error) {
        if (error instanceof ValidationError) return render(req, res, { status: 400, message: error.message });
        if (error instanceof ConflictError) return render(req, res, { status: 409, message: error.message });
        throw error;
      }
    };
  }

  return { show: ((req, res) => render(req, res)) as RequestHandler, change };
}
