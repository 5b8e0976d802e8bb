/**
 * The embedded surface (Chronos as a Whop App inside whop.com's iframe). Mounted before the
 * session: no cookie is read or set here. Every request is authenticated by Whop's
 * `x-whop-user-token`; state changes also need the CSRF token bound to the user and the
 * experience; media is served on signed, short-lived URLs. Refusals are pages of the
 * embedded layout (401 "open Chronos from Whop", 403 with the reason, 404).
 */
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ForbiddenError, NotFoundError } from '../domain/app-errors.ts';
import { mediaController } from '../controllers/media-controller.ts';
import { progressController } from '../controllers/progress-controller.ts';
import { renderEmbeddedRefusal, whopAppController } from '../controllers/whop-app-controller.ts';
import {
  authenticateWhopUser,
  companyScope,
  embeddedCsrf,
  experienceScope,
  hasUserToken,
  signInFromUserToken,
} from '../middleware/whop-user-token.ts';
import type { Services } from '../services/build-services.ts';
import { isCompanyId } from '../services/whop-app/embedded-viewer-service.ts';
import { videoIdFrom } from '../services/watching/course-access-service.ts';
import type { ErrorReporter } from '../observability/error-reporter.ts';

export const EMBEDDED_LAYOUT = 'layout-embedded';

/** The paths that Whop frames: the member and team views (the only pages that may be framed). */
export function isEmbeddedPage(req: Request): boolean {
  const [, first, second] = req.path.split('/');
  return (first === 'experiences' && Boolean(second)) || (first === 'dashboard' && isCompanyId(second ?? ''));
}

export function whopAppRoutes(deps: { services: Services; logger: Logger; reportError: ErrorReporter }): Router {
  const { services } = deps;
  const router = Router();
  const controller = whopAppController({
    viewers: services.embeddedViewers,
    signatures: services.embeddedSignatures,
    mediaUrls: services.embeddedMediaUrls,
    courses: services.courses,
    progress: services.progress,
    dashboard: services.dashboard,
    library: services.videoLibrary,
    plans: services.plans,
    uploadMaxBytes: services.uploadMaxBytes,
    refusals: services.videoRefusals,
  });
  const authenticate = authenticateWhopUser({ verifier: services.userTokens, viewers: services.embeddedViewers });
  const layout: RequestHandler = (_req, res, next) => {
    res.locals.layout = EMBEDDED_LAYOUT;
    next();
  };
  const csrfOfExperience = embeddedCsrf(services.embeddedSignatures, (req) =>
    experienceScope(String(req.params.experienceId)),
  );
  const onlyCompanies: RequestHandler = (req, _res, next) =>
    isCompanyId(String(req.params.companyId)) ? next() : next('route');

  router.get('/experiences/:experienceId', layout, authenticate, csrfOfExperience, controller.experience);
  router.get('/experiences/:experienceId/videos/:videoId', layout, authenticate, csrfOfExperience, controller.player);
  router.post(
    '/experiences/:experienceId/videos/:videoId/progress',
    express.json({ limit: '10kb' }),
    express.urlencoded({ extended: false, limit: '10kb' }),
    authenticate,
    csrfOfExperience,
    controller.videoOfExperience,
    progressController(services).save,
  );
  router.get('/dashboard/:companyId', onlyCompanies, layout, authenticate, controller.team);
  router.get(
    '/embedded/media/videos/:videoId',
    signedMediaViewer(services),
    mediaController({
      courses: services.courses,
      storage: services.mediaStorage,
      refusals: services.videoRefusals,
    }).stream,
  );

  const embeddedErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (!isEmbeddedRequest(req)) return next(error);
    const status = error instanceof AppError ? error.status : 500;
    if (status >= 500) {
      deps.logger.error({ err: error }, 'embedded page failed');
      deps.reportError(error, {
        requestId: String(req.id),
        method: req.method,
        route: String(req.route?.path ?? 'embedded'),
      });
    }
    const reason = error instanceof AppError ? error.message : 'Something went wrong on our side. Please try again.';
    if (req.method !== 'GET' || req.path.startsWith('/embedded/media/')) {
      res.status(status).json({ error: error instanceof AppError ? error.code : 'internal', message: reason });
      return;
    }
    res.locals.layout = EMBEDDED_LAYOUT;
    renderEmbeddedRefusal(res, status, reason);
  };
  router.use(embeddedErrors);
  return router;
}

/**
 * Uploads from the embedded team view (tus at `/api/uploads`): a request carrying Whop's user
 * token is authenticated by it, and its `x-csrf-token` must be the one bound to the user and
 * their company. Requests without the header pass on to the session guards untouched.
 */
export function embeddedUploadGuard(services: Services): RequestHandler {
  const deps = { verifier: services.userTokens, viewers: services.embeddedViewers };
  return async (req, res, next) => {
    if (!hasUserToken(req)) return next();
    const whopUserId = await signInFromUserToken(req, res, deps);
    // Checked on every tus request, HEAD included, as for the session's uploads.
    const scope = companyScope(req.currentUser?.creator?.whopCompanyId ?? 'none');
    if (!services.embeddedSignatures.verifyCsrf(req.get('x-csrf-token'), whopUserId, scope))
      throw new ForbiddenError('This upload was refused: reload the page in Whop and try again.');
    res.locals.embeddedCsrfChecked = true;
    next();
  };
}

function isEmbeddedRequest(req: Request): boolean {
  return isEmbeddedPage(req) || req.path.startsWith('/embedded/');
}

/** The user a signed media URL was made for (embedded players carry no cookie). */
function signedMediaViewer(services: Services): RequestHandler {
  return async (req, _res, next) => {
    const videoId = videoIdFrom(req.params.videoId);
    const signed = videoId === null ? null : services.embeddedMediaUrls.verify(videoId, req.query);
    if (!signed) throw new ForbiddenError('This video link has expired. Reload the page to keep watching.');
    const context = await services.embeddedViewers.contextOf(signed.whopUserId);
    if (!context) throw new NotFoundError('This video is not available.');
    req.currentUser = context;
    next();
  };
}
