/**
 * The structured logger. Redacts anything that may carry a credential, whatever the log line;
 * a line written while serving a request carries the request's id (`reqId`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { requestLogFields } from './request-context.ts';

export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["webhook-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code_verifier',
  '*.client_secret',
  '*.apiKey',
];

/** Writes to standard output, or to `destination` (tests read the lines). */
export function createLogger(options: { level: string; name?: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name ?? 'chronos',
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: requestLogFields,
    },
    destination,
  );
}

const SENSITIVE_QUERY_KEYS =
  /^(code|state|token|access_token|refresh_token|id_token|nonce|code_verifier|client_secret|_csrf|signature)$/i;

/** A URL fit for a log line: the query values that may be credentials are masked. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) if (SENSITIVE_QUERY_KEYS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}
