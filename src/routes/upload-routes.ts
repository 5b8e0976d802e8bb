/**
 * `/api/uploads` (tus). Matched on the full path, not mounted under a prefix, because tus reads
 * upload ids from the request's own URL. Guards run first: a signed-in creator and the CSRF
 * header on every request. Errors here are answered as tus clients read them: a status and a
 * plain-text sentence.
 */
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { DataStore, Locker } from '@tus/utils';
import { finishedUploadHead, TUS_RESUMABLE, uploadController } from '../controllers/upload-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import { requireCsrfHeader } from '../middleware/csrf-protection.ts';
import { AppError } from '../domain/app-errors.ts';
import { PATHS } from '../http/route-paths.ts';
import type { UploadService } from '../services/videos/upload-service.ts';

const TUS_METHODS = ['post', 'head', 'patch', 'delete', 'options'] as const;

export function uploadRoutes(deps: {
  datastore: DataStore;
  locker: Locker;
  uploads: UploadService;
  uploadMaxBytes: number;
  logger: Logger;
  /**
   * The Whop App's team view uploads here too, without a cookie: this guard authenticates a
   * request that carries Whop's user token (and checks its CSRF header); the session guards
   * then see a signed-in user, and the session's CSRF check is left to it.
   */
  embedded?: RequestHandler;
}): Router {
  const router = Router();
  const { embedded, ...tusDeps } = deps;
  const tus = uploadController({ path: PATHS.uploads, ...tusDeps });
  const uploadPath = `${PATHS.uploads}/:uploadId`;
  const paths = [PATHS.uploads, uploadPath];
  const csrf: RequestHandler = (req, res, next) =>
    res.locals.embeddedCsrfChecked === true ? next() : requireCsrfHeader(req, res, next);
  const guards = embedded ? [embedded, requireAuth, requireCreator, csrf] : [requireAuth, requireCreator, csrf];
  // A finished upload is complete, not unknown (upload-controller.ts); tus answers every other HEAD.
  const finished = finishedUploadHead({ uploads: deps.uploads, datastore: deps.datastore });
  router.head(uploadPath, ...guards, finished, tus);
  for (const method of TUS_METHODS) router[method](method === 'head' ? PATHS.uploads : paths, ...guards, tus);

  const asText: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (!(error instanceof AppError) || res.headersSent) return next(error);
    res.status(error.status).set('Tus-Resumable', TUS_RESUMABLE).type('text/plain').send(error.message);
  };
  router.use(paths, asText);
  return router;
}
