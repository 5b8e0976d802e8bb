/**
 * A read statement run straight through the pg driver on a connection of Sequelize's pool,
 * skipping Sequelize's query pipeline (replacement parsing, logging, result shaping): for the
 * statements every page runs (the signed-in user, the creator dashboard), where that pipeline
 * cost as much as the database.
 *
 * Each statement is a named prepared statement with bound parameters: PostgreSQL parses and
 * plans it once per connection (planning the dashboard's statement cost it more than running
 * it), and the driver sends Bind/Execute/Sync in one write. Statement texts must be fixed
 * strings (values go in `values`, never in the text); each distinct text gets its own name.
 * Where the connections do not each have a server session of their own (the embedded database
 * serves all of them from one; a pooler in transaction mode hands them around), names collide:
 * the first such error turns naming off for that database, and statements run unnamed. (The
 * embedded server keeps each connection's Parse…Sync together: db/pglite-query-queue.ts.)
 * Errors come back as Sequelize's, so outages are told apart as usual.
 */
import { ConnectionError, DatabaseError, type Sequelize } from 'sequelize';

export interface HotStatement {
  /** The SQL, with `$1`, `$2`… for the values. */
  text: string;
  values: readonly unknown[];
}

interface PgConnection {
  query(query: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface PooledConnections {
  getConnection(options: { type: 'read' | 'write' }): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): void;
}

/** More distinct texts than this means texts are being built with values in them: those run unnamed. */
const MAX_NAMED_STATEMENTS = 100;
const names = new Map<string, string>();
/** duplicate_prepared_statement, invalid_sql_statement_name: sessions are shared or swapped. */
const SHARED_SESSION_CODES = new Set(['42P05', '26000']);
const unnamedOnly = new WeakSet<Sequelize>();

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `chronos_hot_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

export async function hotRead<T>(sequelize: Sequelize, statement: HotStatement): Promise<T[]> {
  const pool = sequelize.connectionManager as unknown as PooledConnections;
  const connection = await pool.getConnection({ type: 'read' });
  const run = async (name: string | undefined) => (await connection.query({ ...(name ? { name } : {}), text: statement.text, values: [...statement.values] })).rows as T[];
  try {
    const name = unnamedOnly.has(sequelize) ? undefined : nameOf(statement.text);
    try {
      return await run(name);
    } catch (error) {
      if (!name || !SHARED_SESSION_CODES.has((error as { code?: string }).code ?? '')) throw error;
      unnamedOnly.add(sequelize);
      return await run(undefined);
    }
  } catch (error) {
    const cause = error as Error & { code?: string };
    // The driver's own errors: a server-side code means the statement failed; none means the connection did.
    throw cause.code ? new DatabaseError(Object.assign(cause, { sql: statement.text, parameters: {} })) : new ConnectionError(cause);
  } finally {
    pool.releaseConnection(connection);
  }
}
