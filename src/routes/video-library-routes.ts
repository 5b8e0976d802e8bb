/** The creator's video library: list and uploader, rename, reorder, delete (with its confirmation page). */
import { Router } from 'express';
import { videoLibraryController } from '../controllers/video-library-controller.ts';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator } from '../middleware/require-creator.ts';
import type { Services } from '../services/build-services.ts';

export function videoLibraryRoutes(deps: { services: Services }): Router {
  const router = Router();
  const { services } = deps;
  const library = videoLibraryController({
    library: services.videoLibrary,
    usage: services.usage,
    plans: services.plans,
    uploadMaxBytes: services.uploadMaxBytes,
  });
  const creator = [requireAuth, requireCreator];
  router.get('/dashboard/videos', creator, library.show);
  router.post('/dashboard/videos/:videoId/title', creator, library.rename);
  router.post('/dashboard/videos/:videoId/move', creator, library.move);
  router.get('/dashboard/videos/:videoId/delete', creator, library.confirmDelete);
  router.post('/dashboard/videos/:videoId/delete', creator, library.remove);
  return router;
}
