/**
 * The only test file that reads `process.env`: whether this run uses a real PostgreSQL and
 * Redis (`DATABASE_URL`, `REDIS_URL` set, as in CI's second pass) or the embedded defaults.
 */
export const externalDatabaseUrl: string | undefined = process.env.DATABASE_URL || undefined;
export const externalRedisUrl: string | undefined = process.env.REDIS_URL || undefined;
export const storeMode = externalRedisUrl ? 'redis' : 'in-process';
export const databaseMode = externalDatabaseUrl ? 'postgres' : 'embedded';

/** A minimal environment for child processes: nothing of this run's settings leaks into them. */
export function bareChildEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
