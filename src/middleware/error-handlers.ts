/**
 * One error handler per surface: bare status for the webhook route, JSON for `/api`, an HTML
 * page for everything else. Users see a short message; the log gets the request id and stack.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  AppError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  errorMessage,
} from '../domain/app-errors.ts';
import { LimitExceededError } from '../domain/limit-errors.ts';
import { noErrorReporting, type ErrorReporter } from '../observability/error-reporter.ts';
import { isDatabaseOutage } from '../db/database.ts';
import { PATHS } from '../http/route-paths.ts';
import { SessionStoreUnavailableError } from '../sessions/session-store-errors.ts';
import { safeReturnTo } from '../services/return-to.ts';

interface Described {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** The session store is out: an outage to wait out (503), not a bug (500) and not a sign-out. */
function isSessionStoreOutage(error: unknown): boolean {
  return error instanceof SessionStoreUnavailableError;
}

/** Maps any thrown value to what may be shown. Body-parser errors carry `status`/`type`. */
function describe(error: unknown): Described {
  // First: a refused database connection also says ECONNREFUSED, and it is not a sign-in problem.
  if (isDatabaseOutage(error))
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'Chronos is unavailable for a moment. Please try again shortly.',
    };
  if (isSessionStoreOutage(error))
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'Sign-in is unavailable for a moment. Please try again shortly.',
    };
  if (error instanceof ValidationError)
    return { status: 400, code: error.code, message: error.message, details: error.details };
  if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message };
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const tooLarge = status === 413;
    return {
      status,
      code: tooLarge ? 'payload_too_large' : 'invalid_request',
      message: tooLarge
        ? 'What you sent is longer than Chronos accepts, so nothing was saved. Go back to the form: your browser ' +
          'usually keeps what you typed, so you can shorten it and send it again.'
        : 'The request could not be read.',
    };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side. Please try again.' };
}

function logError(
  logger: Logger,
  req: Request,
  error: unknown,
  described: Described,
  report: ErrorReporter = noErrorReporting,
): void {
  if (described.status >= 500 && described.status !== 503) {
    logger.error({ err: error }, 'request failed');
    report(error, {
      requestId: String(req.id),
      method: req.method,
      route: req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched',
    });
  } else if (described.status >= 500) logger.warn({ err: { message: errorMessage(error) } }, 'service unavailable');
  else logger.debug({ code: described.code }, 'request refused');
}

function setRetryAfter(res: Parameters<ErrorRequestHandler>[2], error: unknown): void {
  if (error instanceof ServiceUnavailableError && error.retryAfterSeconds)
    res.setHeader('Retry-After', String(error.retryAfterSeconds));
  else if (isDatabaseOutage(error) || isSessionStoreOutage(error)) res.setHeader('Retry-After', '5');
}

export function bareStatusErrorHandler(logger: Logger, report: ErrorReporter = noErrorReporting): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const described = describe(error);
    logError(logger, req, error, described, report);
    setRetryAfter(res, error);
    res.status(described.status).end();
  };
}

/** The sign-in routes live under /api but are browser pages: their errors get the HTML handler. */
const BROWSER_ROUTES_UNDER_API = `${PATHS.auth}/`;

export function jsonErrorHandler(logger: Logger, report: ErrorReporter = noErrorReporting): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent || req.originalUrl.startsWith(BROWSER_ROUTES_UNDER_API)) return next(error);
    const described = describe(error);
    logError(logger, req, error, described, report);
    setRetryAfter(res, error);
    const body: Record<string, unknown> = { error: described.code, message: described.message };
    if (described.details !== undefined) body.details = described.details;
    if (error instanceof LimitExceededError)
      Object.assign(body, { limit: error.limit, tier: error.tier, upgradeUrl: error.upgradeUrl });
    res.status(described.status).json(body);
  };
}

export function pageErrorHandler(logger: Logger, report: ErrorReporter = noErrorReporting): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      // Too late to answer (e.g. the session store failed while saving after the page went out): log it, end the
      // exchange.
      logError(logger, req, error, describe(error), report);
      if (!res.writableEnded) req.socket.destroy();
      return;
    }
    const described = describe(error);
    logError(logger, req, error, described, report);
    setRetryAfter(res, error);
    res.status(described.status).render('pages/error', {
      title: titleFor(described.status),
      status: described.status,
      message: described.message,
      requestId: req.id,
      backHref: described.status === 413 ? sameSiteReferrer(req) : undefined,
    });
  };
}

/** The page the refused form was on, when the browser says and it is on this site; else undefined. */
function sameSiteReferrer(req: Request): string | undefined {
  const referrer = req.get('referer');
  if (!referrer) return undefined;
  try {
    const url = new URL(referrer);
    if (url.host !== req.get('host')) return undefined;
    return safeReturnTo(`${url.pathname}${url.search}`);
  } catch {
    return undefined;
  }
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 413) return 'Too much to send';
  if (status === 403) return 'Not allowed';
  if (status === 429) return 'Too many requests';
  if (status === 503) return 'Temporarily unavailable';
  return status >= 500 ? 'Something went wrong' : 'Bad request';
}

export const notFound: RequestHandler = () => {
  throw new NotFoundError('We could not find that page.');
};
