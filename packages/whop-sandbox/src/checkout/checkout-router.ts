/**
 * Checkout pages at `/sandbox/checkout/:productId`, where the app's "upgrade" links point
 * in development. Form posts carry the control UI's signed double-submit token.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { createCsrfProtection, CsrfRejectedError } from '../control/csrf-protection.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { SandboxError } from '../sandbox-errors.ts';
import { createCheckoutController } from './checkout-controller.ts';
import { renderCheckoutPage } from './checkout-page-renderer.ts';

export function createCheckoutRouter(core: SandboxCore): Router {
  const router = express.Router();
  const csrf = createCsrfProtection();
  const checkout = createCheckoutController(core, csrf);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '20kb' }));
  router.use(csrf.verify);

  router.get('/:productId', checkout.show);
  router.post('/:productId', checkout.pay);

  router.use(async (req: Request, res: Response) => {
    await renderCheckoutPage(res, 404, 'error', {
      title: 'Product not found',
      message: `There is no product to buy at ${req.originalUrl.split('?')[0]}.`,
    });
  });
  router.use(async (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof CsrfRejectedError) {
      await renderCheckoutPage(res, 403, 'error', { title: 'Form refused', message: error.message });
      return;
    }
    const known = error instanceof SandboxError;
    if (!known) core.options.logger.error({ err: error }, 'sandbox checkout: unexpected error');
    await renderCheckoutPage(res, known ? error.status : 500, 'error', {
      title: 'Something went wrong',
      message: known ? error.message : 'The sandbox hit an unexpected error; see its log.',
    });
  });
  return router;
}
