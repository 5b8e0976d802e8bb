import { Router } from 'express';
import { pageController } from '../controllers/page-controller.ts';

export function pageRoutes(): Router {
  const router = Router();
  const controller = pageController();
  router.get('/', controller.landing);
  router.get('/login', controller.login);
  return router;
}
