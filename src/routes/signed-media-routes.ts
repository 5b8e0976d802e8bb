/**
 * The media route's fast path, mounted in app.ts before helmet, the body parsers and the session:
 * `GET /media/videos/:id` with a signed URL from the player page (services/watching/media-url-signer.ts)
 * is answered for the viewer the URL was signed for, without reading the session from Redis or
 * the user from PostgreSQL. The access rule is still asked on every request (media-controller.ts,
 * one prepared statement), so ending a membership stops the video at once.
 *
 * A URL without a signature, or with a tampered or expired one, leaves this router untouched: the
 * request goes on through the session stack to the session's media route (course-routes.ts),
 * which a player reaches once its URL has expired, with the cookie that still rides along.
 */
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { mediaController } from '../controllers/media-controller.ts';
import { bareStatusErrorHandler } from '../middleware/error-handlers.ts';
import { mediaResponseHeaders } from '../middleware/media-response-headers.ts';
import type { ErrorReporter } from '../observability/error-reporter.ts';
import type { Services } from '../services/build-services.ts';
import { videoIdFrom } from '../services/watching/course-access-service.ts';
import type { SignedViewer } from '../services/watching/media-url-signer.ts';

export function signedMediaRoutes(deps: {
  services: Pick<Services, 'courses' | 'mediaStorage' | 'mediaUrls' | 'videoRefusals'>;
  logger: Logger;
  reportError: ErrorReporter;
}): Router {
  const { courses, mediaStorage, mediaUrls, videoRefusals } = deps.services;
  const router = Router();
  const signedViewer: RequestHandler = (req, res, next) => {
    const videoId = videoIdFrom(req.params.videoId);
    const viewer = videoId === null ? null : mediaUrls.verify(videoId, req.query);
    if (!viewer) return next('router');
    res.locals.signedViewer = viewer;
    next();
  };
  const media = mediaController({
    courses,
    storage: mediaStorage,
    refusals: videoRefusals,
    viewerOf: (_req, res) => res.locals.signedViewer as SignedViewer,
  });
  router.get('/media/videos/:videoId', signedViewer, mediaResponseHeaders, media.stream);
  // Refusals (403 when access has ended, 404 for a deleted video) as a bare status: a <video> shows no body.
  router.use(bareStatusErrorHandler(deps.logger, deps.reportError));
  return router;
}
