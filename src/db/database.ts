/**
 * The Sequelize instance for a Postgres URL (real or embedded), a cheap liveness probe, and how to tell an outage from
 * a bug.
 */
import { AccessDeniedError, ConnectionError, DatabaseError, Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { DatabaseSsl } from '../config/database-tls.ts';

/** `ssl`: pg's TLS option as config/database-tls.ts maps `sslmode`; `url` carries no sslmode. */
export function createSequelize(
  url: string,
  logger: Logger,
  options: { poolMax?: number; ssl?: DatabaseSsl } = {},
): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: (sql: string, timing?: number) => logger.trace({ sql: sql.slice(0, 500), ms: timing }, 'sql'),
    benchmark: true,
    pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 15_000, evict: 5_000 },
    dialectOptions: { connectionTimeoutMillis: 5_000, statement_timeout: 30_000, ssl: options.ssl ?? false },
    define: { underscored: true },
  });
}

/** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
export async function pingDatabase(sequelize: Sequelize, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sequelize.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SQLSTATE classes of a server that is away: 08 connection exception, 57P shutting down, crashed or starting up. */
const AWAY_SQLSTATE = /^(08|57P)/;
/** A SQLSTATE: every error the server itself reports carries one. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * True when `error` says the database cannot be reached right now (refused, restarting, shut
 * down under a query, no pooled connection in time): an outage to wait out, not a bug. Wrong
 * credentials are not an outage. Told by class and code only: Sequelize's connection errors; a
 * server error of an "away" SQLSTATE class; or a query failure the server did not report (no
 * SQLSTATE: the driver lost the connection, e.g. ECONNRESET or the socket closing under it).
 */
export function isDatabaseOutage(error: unknown): boolean {
  if (error instanceof AccessDeniedError) return false;
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof DatabaseError)) return false;
  const { code } = error.original as { code?: unknown };
  return typeof code !== 'string' || !SQLSTATE.test(code) || AWAY_SQLSTATE.test(code);
}
