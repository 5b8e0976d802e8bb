/**
 * The only test file that reads `process.env`: whether this run uses a real PostgreSQL and
 * Redis (`DATABASE_URL`, `REDIS_URL` set, as in CI's second pass) or the embedded defaults.
 */
import { randomBytes } from 'node:crypto';
export const externalDatabaseUrl: string | undefined = process.env.DATABASE_URL || undefined;
export const externalRedisUrl: string | undefined = process.env.REDIS_URL || undefined;
export const storeMode = externalRedisUrl ? 'redis' : 'in-process';
export const databaseMode = externalDatabaseUrl ? 'postgres' : 'embedded';

/**
 * This run's id, shared by mocha's main process and its parallel workers: the global setup puts
 * it in the environment before the workers start, and they inherit it. Everything a run leaves
 * on a shared server (Redis keys, databases) carries it, so the global teardown, which runs in
 * the main process only, can remove what every worker made.
 */
export const testRunId: string = process.env.CHRONOS_TEST_RUN || randomBytes(4).toString('hex');

/** Called by the global setup, in the main process, before any worker starts. */
export function shareTestRunId(): void {
  process.env.CHRONOS_TEST_RUN = testRunId;
}

/** A minimal environment for child processes: nothing of this run's settings leaks into them. */
export function bareChildEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
