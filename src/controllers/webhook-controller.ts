/**
 * `POST /api/whop/webhook`: verify, parse, store in the inbox, answer. Nothing else happens on
 * the request path (the worker processes the inbox). The answer is 200 only once the row has
 * committed; a storage failure is a 503 so Whop retries. Refusals are thrown as
 * `WebhookRejectedError` (4xx) for the route's bare-status error handler. Neither the body nor
 * the headers are ever logged.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from '../domain/app-errors.ts';
import type { WebhookVerifier } from '../services/whop/webhook-verifier.ts';
import { toInboxEvent } from '../services/whop/webhook-envelope.ts';
import type { InboxOutcome, WebhookInbox } from '../services/webhooks/webhook-inbox.ts';

/** Seconds Whop is asked to wait before retrying after a storage failure. */
const RETRY_AFTER_SECONDS = 5;

/** What may be logged of a storage error: never its SQL parameters (the payload) or details. */
function errorSummary(error: unknown): { type: string; message: string; code?: unknown } {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-error thrown' };
  const code = (error as { original?: { code?: unknown } }).original?.code ?? (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}

export function webhookController(deps: { verifier: WebhookVerifier; inbox: WebhookInbox; logger: Logger }) {
  const receive: RequestHandler = async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = deps.verifier.verify(req.headers, body);
    const event = toInboxEvent(delivery, body);
    const log = deps.logger.child({ webhookId: event.id, eventType: event.type, scheme: delivery.scheme });
    let outcome: InboxOutcome;
    try {
      outcome = await deps.inbox.store(event);
    } catch (error) {
      log.error(
        { cause: errorSummary(error) },
        'webhook not stored: the inbox insert failed; answering 503 so Whop retries',
      );
      throw new ServiceUnavailableError('The webhook could not be stored.', RETRY_AFTER_SECONDS);
    }
    log.info({ outcome }, outcome === 'stored' ? 'webhook stored' : 'webhook duplicate ignored');
    res.status(200).json(outcome === 'duplicate' ? { received: true, duplicate: true } : { received: true });
  };

  /** Any other method on the webhook URL. */
  const methodNotAllowed: RequestHandler = (_req, res) => {
    res.set('Allow', 'POST').status(405).end();
  };

  return { receive, methodNotAllowed };
}
