/**
 * The creator API (`/api/v1`). Mounted before the session middleware: no cookie is read here,
 * only `Authorization: Bearer chr_…`, checked, then counted per token. Its own 404 and error
 * handler keep every answer in the one JSON error shape.
 */
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Services } from '../services/build-services.ts';
import type { ErrorReporter } from '../observability/error-reporter.ts';
import { apiV1Controller } from '../controllers/api-v1-controller.ts';
import { requireApiToken, requireWriteScope } from '../middleware/require-api-token.ts';
import { jsonErrorHandler } from '../middleware/error-handlers.ts';
import { NotFoundError } from '../domain/app-errors.ts';
import { openApiDocument } from '../http/openapi/openapi-document.ts';

export function apiV1Routes(deps: {
  services: Services;
  rateLimiter: RequestHandler;
  appUrl: string;
  logger: Logger;
  reportError: ErrorReporter;
}): Router {
  const router = Router();
  const { services } = deps;
  const api = apiV1Controller({
    videos: services.apiVideos,
    library: services.videoLibrary,
    students: services.apiStudents,
    courses: services.apiCourses,
    usage: services.usage,
    now: services.now,
  });
  const document = openApiDocument(deps.appUrl);
  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.use(requireApiToken(services.apiTokens), deps.rateLimiter);
  router.get('/me', api.me);
  router.get('/videos', api.listVideos);
  router.get('/videos/:videoId', api.getVideo);
  router.patch('/videos/:videoId', requireWriteScope, api.updateVideo);
  router.get('/students', api.listStudents);
  router.get('/courses', api.listCourses);
  router.get('/usage', api.usage);
  router.use(() => {
    throw new NotFoundError('No such endpoint in the Chronos API. See /api/v1/openapi.json.');
  });
  router.use(jsonErrorHandler(deps.logger, deps.reportError));
  return router;
}
