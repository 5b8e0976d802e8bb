/**
 * The webhook receiver's wiring. Mounted before the body parsers and the session: it reads the
 * raw body itself (1 MB at most), never touches the session store and has no rate limit.
 * Every error here is answered with a bare status.
 */
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { webhookController } from '../controllers/webhook-controller.ts';
import { bareStatusErrorHandler } from '../middleware/error-handlers.ts';
import type { ErrorReporter } from '../observability/error-reporter.ts';
import type { WebhookVerifier } from '../services/whop/webhook-verifier.ts';
import type { WebhookInbox } from '../services/webhooks/webhook-inbox.ts';

export const WEBHOOK_BODY_LIMIT = '1mb';

export function webhookRoutes(deps: {
  verifier: WebhookVerifier;
  inbox: WebhookInbox;
  logger: Logger;
  reportError?: ErrorReporter;
}): Router {
  const controller = webhookController(deps);
  // Mounted at PATHS.webhook (app.ts): other requests never enter it.
  const router = Router();
  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), controller.receive);
  router.all('/', controller.methodNotAllowed);
  router.use(bareStatusErrorHandler(deps.logger, deps.reportError));
  return router;
}
