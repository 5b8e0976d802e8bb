/**
 * One read statement run straight through the pg driver on a connection of Sequelize's pool,
 * skipping Sequelize's query pipeline (replacement parsing, logging, result shaping): for the
 * statements every page runs (the signed-in user, the creator dashboard), where that pipeline
 * cost as much as the database. The statement goes as one simple-protocol message (one write),
 * so its values must already be in it: callers inline only integers they checked, or strings
 * quoted with `sqlString`. Errors come back as Sequelize's, so outages are told apart as usual.
 */
import { ConnectionError, DatabaseError, type Sequelize } from 'sequelize';

interface PgConnection {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

interface PooledConnections {
  getConnection(options: { type: 'read' | 'write' }): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): void;
}

/** An integer to inline in SQL; anything else is refused (it would be an injection). */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${String(value)}`);
  return String(value);
}

/** A string literal to inline in SQL, quoted and escaped the way Sequelize does. */
export function sqlString(sequelize: Sequelize, value: string): string {
  return sequelize.escape(value);
}

export async function hotRead<T>(sequelize: Sequelize, sql: string): Promise<T[]> {
  const pool = sequelize.connectionManager as unknown as PooledConnections;
  const connection = await pool.getConnection({ type: 'read' });
  try {
    return (await connection.query(sql)).rows as T[];
  } catch (error) {
    const cause = error as Error & { code?: string };
    // The driver's own errors: a server-side code means the statement failed; none means the connection did.
    throw cause.code ? new DatabaseError(Object.assign(cause, { sql, parameters: {} })) : new ConnectionError(cause);
  } finally {
    pool.releaseConnection(connection);
  }
}
