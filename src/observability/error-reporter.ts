/**
 * Error reporting to Sentry when SENTRY_DSN is set (the `@sentry/node` package is an optional
 * dependency, loaded only then); otherwise nothing is sent anywhere. Reports carry the request
 * id, method and route (or, from the worker, the background job's name) — never cookies,
 * headers, bodies or query strings.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../domain/app-errors.ts';

export type ErrorReporter = (
  error: unknown,
  context: { requestId?: string; method?: string; route?: string; job?: string },
) => void;

export const noErrorReporting: ErrorReporter = () => undefined;

export async function createErrorReporter(options: {
  dsn: string | undefined;
  environment: string;
  logger: Logger;
}): Promise<ErrorReporter> {
  if (!options.dsn) return noErrorReporting;
  try {
    const sentry = await import('@sentry/node');
    sentry.init({
      dsn: options.dsn,
      environment: options.environment,
      defaultIntegrations: false,
      beforeSend(event) {
        delete event.request;
        delete event.user;
        return event;
      },
    });
    options.logger.info('errors are reported to Sentry');
    return (error, context) => {
      sentry.withScope((scope) => {
        scope.setTags({
          requestId: context.requestId ?? '',
          method: context.method ?? '',
          route: context.route ?? '',
          job: context.job ?? '',
        });
        sentry.captureException(error);
      });
    };
  } catch (error) {
    options.logger.warn(
      { err: { message: errorMessage(error) } },
      'SENTRY_DSN is set but @sentry/node could not be loaded; errors are only logged',
    );
    return noErrorReporting;
  }
}
