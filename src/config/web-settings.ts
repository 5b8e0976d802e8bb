/**
 * The web role's settings: where it listens and is reached, its sessions, its rate limits and
 * the proxies it believes, /metrics, and the support contact its pages show.
 */
import type { ParsedEnv } from './env-schema.ts';
import type { LocalSecrets } from './local-secrets.ts';
import { required } from './production-requirements.ts';

export interface WebSettings {
  /** Undefined only in a production worker without PORT (the platform sets it for web only). */
  port: number | undefined;
  appUrl: string;
  /** Empty only in a production worker without SESSION_SECRET (sessions are the web's). */
  sessionSecrets: string[];
  sessionMaxAgeDays: number;
  /** `apiTokenPerMinute`: each creator API token's requests a minute (`/api/v1`). */
  rateLimits: { authPerMinute: number; apiPerMinute: number; apiTokenPerMinute: number };
  /**
   * Proxies in front of the app whose `X-Forwarded-For` / `X-Forwarded-Proto` entries are
   * believed (Express's `trust proxy` as a hop count): the client address (`req.ip`, which the
   * rate limits key on) is the entry this many hops from the socket. 0 believes none.
   */
  trustProxyHops: number;
  /** Bearer token that /metrics requires; unset disables /metrics. */
  metricsToken: string | undefined;
  /** Enterprise's priority-support contact; unset, no page shows or promises priority support. */
  supportEmail: string | undefined;
}

/** Production's: the URL and secrets as given, with no defaults. */
export function productionWebSettings(env: ParsedEnv): WebSettings {
  return {
    ...sharedWebSettings(env),
    // Required for the web role (productionProblems); the worker has no use for either.
    port: env.PORT,
    appUrl: required(env.APP_URL).replace(/\/$/, ''),
    sessionSecrets: env.SESSION_SECRET ?? [],
  };
}

/** Development's: localhost:3000 and the session secret of var/secrets.json unless set. */
export function developmentWebSettings(env: ParsedEnv, local: LocalSecrets): WebSettings {
  const port = env.PORT ?? 3000;
  return {
    ...sharedWebSettings(env),
    port,
    appUrl: (env.APP_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    sessionSecrets: env.SESSION_SECRET ?? [local.sessionSecret],
  };
}

function sharedWebSettings(env: ParsedEnv) {
  return {
    sessionMaxAgeDays: env.SESSION_MAX_AGE_DAYS,
    rateLimits: {
      authPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
      apiPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      apiTokenPerMinute: env.API_TOKEN_RATE_LIMIT_PER_MINUTE,
    },
    // Production runs behind the platform's one router; elsewhere nothing stands in front.
    trustProxyHops: env.TRUST_PROXY_HOPS ?? (env.NODE_ENV === 'production' ? 1 : 0),
    metricsToken: env.METRICS_TOKEN,
    supportEmail: env.SUPPORT_EMAIL,
  };
}
