/**
 * The reads every page runs (the signed-in user's context, the creator dashboard) as named
 * prepared statements, on a small pool of pg's own (its public API: `pool.query({ name, text,
 * values })`). PostgreSQL parses and plans each statement once per connection instead of on
 * every request (planning the dashboard's statement costs it more than running it), and the
 * read skips Sequelize's per-query work. Everything else goes through Sequelize.
 *
 * Errors come back as Sequelize's — the server's own error (pg's `DatabaseError`) makes a
 * `DatabaseError`, anything else (refused, reset, timed out) a `ConnectionError` — so outages are told apart as
 * everywhere else (db/database.ts). Behind a connection pooler in transaction mode, named statements need PgBouncer
 * 1.21 or newer (`max_prepared_statements`).
 */
import pg from 'pg';
import { ConnectionError, DatabaseError } from 'sequelize';
import type { DatabaseSsl } from '../config/database-tls.ts';

export interface PreparedStatement {
  /** Unique per statement text: PostgreSQL keeps one plan per name and connection. */
  name: string;
  /** The SQL with `$1`, `$2`… for the values; a fixed string, never built from values. */
  text: string;
}

export interface PreparedReads {
  read<T extends object>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

const names = new Map<string, string>();

/** A statement to prepare; the same name twice with different texts is a bug, refused at once. */
export function preparedStatement(name: string, text: string): PreparedStatement {
  const known = names.get(name);
  if (known !== undefined && known !== text)
    throw new Error(`prepared statement ${name} is defined twice with different texts`);
  names.set(name, text);
  return { name, text };
}

function asSequelizeError(error: unknown, statement: PreparedStatement): Error {
  if (error instanceof pg.DatabaseError)
    return new DatabaseError(Object.assign(error, { sql: statement.text, parameters: {} }));
  return new ConnectionError(error as Error);
}

/** `ssl`: pg's TLS option, as for Sequelize's pool (db/database.ts). */
export function createPreparedReads(url: string, options: { max: number; ssl?: DatabaseSsl }): PreparedReads {
  const pool = new pg.Pool({
    connectionString: url,
    ssl: options.ssl ?? false,
    max: options.max,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 30_000,
  });
  // An idle connection that the server drops (a restart) must not crash the process: the next read reconnects.
  pool.on('error', () => undefined);
  return {
    async read<T extends object>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
      try {
        return (await pool.query<T>({ name: statement.name, text: statement.text, values: [...values] })).rows;
      } catch (error) {
        throw asSequelizeError(error, statement);
      }
    },
    close: () => pool.end(),
  };
}
