/** The JSON error surface of `/api/v1` and `/sandbox/api`: `{error: {type, code, message}}`. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { NotFoundError, RateLimitedError, SandboxError, ValidationError } from '../sandbox-errors.ts';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
}

export function jsonNotFound(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.originalUrl.split('?')[0]}.`));
}

export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let known: SandboxError;
    if (error instanceof SandboxError) {
      known = error;
    } else {
      const http = (error ?? {}) as HttpLikeError;
      const status = http.status ?? http.statusCode ?? 500;
      if (status === 404) {
        known = new NotFoundError(`Nothing at ${req.originalUrl.split('?')[0]}.`);
      } else if (status >= 400 && status < 500) {
        // body-parser and serve-static: malformed JSON, too large, wrong charset, …
        const message =
          http.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : (error as Error).message;
        known = new SandboxError(
          message,
          status,
          'invalid_request_error',
          http.type?.replace(/\W/g, '_') ?? 'invalid_request',
        );
      } else {
        logger.error({ err: error, method: req.method, path: req.path }, 'sandbox: unexpected error');
        res.status(500).json({
          error: { type: 'api_error', code: 'internal_error', message: 'Something went wrong in the sandbox.' },
        });
        return;
      }
    }
    // Whop's documented 429 body has a type and a message only.
    const body: Record<string, unknown> =
      known instanceof RateLimitedError
        ? { type: known.type, message: known.message }
        : { type: known.type, code: known.code, message: known.message };
    if (known instanceof ValidationError && known.details !== undefined) body.details = known.details;
    res.status(known.status).json({ error: body });
  };
}
