/** How a process runs, whatever its role: its environment, files, logs, error reports and background work. */
import type { ParsedEnv } from './env-schema.ts';

export type NodeEnv = 'development' | 'test' | 'production';

export interface ProcessSettings {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  varDir: string;
  logLevel: string;
  /** Sentry DSN; unset sends nothing anywhere. */
  sentryDsn: string | undefined;
  worker: {
    /** Whether the web process also runs the background jobs (default: outside production). */
    inWebProcess: boolean;
    /** Minutes between scheduled reconciliations with Whop. */
    reconcileIntervalMinutes: number;
    /** Parallel webhook inbox loops per process (they share the inbox through SKIP LOCKED). */
    webhookLoops: number;
  };
}

export function logLevel(env: ParsedEnv): string {
  return env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
}

export function processSettings(env: ParsedEnv): ProcessSettings {
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    varDir: env.VAR_DIR,
    logLevel: logLevel(env),
    sentryDsn: env.SENTRY_DSN,
    worker: {
      inWebProcess: env.WORKER_IN_WEB ?? env.NODE_ENV !== 'production',
      reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
      webhookLoops: env.WEBHOOK_WORKER_LOOPS,
    },
  };
}
