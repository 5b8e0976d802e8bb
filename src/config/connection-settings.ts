/**
 * The connections to PostgreSQL and Redis: their URLs, their TLS (database-tls.ts and
 * redis-tls.ts read it as libpq and ioredis would), the pool's size and the keys' prefix.
 */
import type { ConnectionOptions } from 'node:tls';
import type { ParsedEnv } from './env-schema.ts';
import type { ProcessRole } from './production-requirements.ts';
import { databaseTls, type DatabaseSsl } from './database-tls.ts';
import { redisTls } from './redis-tls.ts';

export interface ConnectionSettings {
  /** `DATABASE_URL` without its `sslmode` (read into `databaseSsl`). */
  databaseUrl: string | undefined;
  /** pg's `ssl` option, from `sslmode` and `DATABASE_CA` as libpq reads them (database-tls.ts). */
  databaseSsl: DatabaseSsl;
  /**
   * The embedded PostgreSQL's password (development: kept in var/secrets.json); undefined in production, which requires
   * DATABASE_URL.
   */
  embeddedDatabasePassword: string | undefined;
  /** Connections per process in the database pool. */
  databasePoolMax: number;
  redisUrl: string | undefined;
  /** ioredis's `tls` option for a `rediss://` URL (with `REDIS_CA`); undefined for `redis://`. */
  redisTls: ConnectionOptions | undefined;
  /** `REDIS_TLS_INSECURE=on`: the Redis certificate is not checked; logged as a warning at start. */
  redisTlsInsecure: boolean;
  /** Prefix of every Redis key Chronos writes (sessions, caches, rate limits, locks). */
  redisPrefix: string;
}

/** The connections' TLS settings (PostgreSQL's, and Redis's but for the release role), or the problems naming them. */
export function connectionTls(env: ParsedEnv, role: ProcessRole) {
  const database = databaseTls(env, env.NODE_ENV === 'production');
  const redis = role === 'release' ? undefined : redisTls(env);
  return {
    problems: [...database.problems, ...(redis?.problems ?? [])],
    settings: {
      databaseUrl: database.tls?.url,
      databaseSsl: database.tls?.ssl ?? false,
      redisTls: redis?.tls.options,
      redisTlsInsecure: redis?.tls.insecure ?? false,
    },
  };
}

export type ConnectionTls = ReturnType<typeof connectionTls>['settings'];

/** The connections' settings but the embedded database's password, which only development has. */
export function connectionSettings(
  env: ParsedEnv,
  tls: ConnectionTls,
): Omit<ConnectionSettings, 'embeddedDatabasePassword'> {
  return {
    ...tls,
    databasePoolMax: env.DATABASE_POOL_MAX,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
  };
}
