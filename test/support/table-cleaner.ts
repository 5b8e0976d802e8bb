/**
 * Empties the app's tables between tests, so no test sees another's rows.
 *
 * The outcome is that of `TRUNCATE <TABLES> RESTART IDENTITY CASCADE`: the listed tables and
 * every table that references one of them (transitively) are emptied, and the sequences those
 * tables own start again. It is reached with DELETEs (children first) and `setval`, in one
 * implicit transaction: on tables of a few rows that takes milliseconds, where TRUNCATE's new
 * files for every table and index took 100 ms and more, before nearly every integration test.
 */
import { QueryTypes, type Sequelize } from 'sequelize';

/** The tables named to the cleaning; the tables that reference them are emptied too. */
export const CLEANED_TABLES: readonly string[] = [
  'watch_progress',
  'whop_experiences',
  'refunds',
  'disputes',
  'dispute_alerts',
  'plan_invoices',
  'reconciliation_runs',
  'plan_memberships',
  'email_outbox',
  'webhook_events',
  'payments',
  'videos',
  'ai_credit_days',
  'usage_metrics',
  'students',
  'creators',
  'users',
];

interface ForeignKey {
  child: string;
  parent: string;
}

/** The tables TRUNCATE … CASCADE would empty, each after every table that references it (a self-reference does not count). */
export function cascadeOrder(tables: readonly string[], foreignKeys: readonly ForeignKey[]): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const place = (table: string): void => {
    if (ordered.includes(table)) return;
    if (visiting.has(table))
      throw new Error(`the foreign keys of ${table} form a cycle: empty these tables with TRUNCATE`);
    visiting.add(table);
    for (const { child, parent } of foreignKeys) if (parent === table && child !== table) place(child);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) place(table);
  return ordered;
}

export interface CleaningPlan {
  /** Emptied in this order. */
  tables: string[];
  /** Restarted, with their start values. */
  sequences: { sequence: string; start: string }[];
}

/** What a cleaning of this database empties and restarts, read from its catalog. */
export async function cleaningPlan(sequelize: Sequelize): Promise<CleaningPlan> {
  const foreignKeys = await sequelize.query<ForeignKey>(
    `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
       FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    { type: QueryTypes.SELECT },
  );
  const tables = cascadeOrder(CLEANED_TABLES, foreignKeys);
  // The sequences RESTART IDENTITY restarts: those owned by a column of an emptied table (serial or identity).
  const sequences = await sequelize.query<{ sequence: string; start: string }>(
    `SELECT s.seqrelid::regclass::text AS sequence, s.seqstart::text AS start
       FROM pg_sequence s
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      WHERE d.refobjid::regclass::text = ANY($1)`,
    { bind: [tables], type: QueryTypes.SELECT },
  );
  return { tables, sequences };
}

/** One database's cleaning statements (its schema does not change during a run: migrations are tested on scratch databases). */
const statements = new Map<string, Promise<string>>();

async function cleaningSql(sequelize: Sequelize): Promise<string> {
  const { tables, sequences } = await cleaningPlan(sequelize);
  return [
    ...tables.map((table) => `DELETE FROM ${table};`),
    ...sequences.map(({ sequence, start }) => `SELECT setval('${sequence}', ${start}, false);`),
  ].join('\n');
}

/**
 * A test app's webhook worker may be applying a claim (creators, students, … then
 * webhook_events) while the cleaning locks the same rows in another order: PostgreSQL breaks
 * such a deadlock by aborting one of the two, and when that is the cleaning it is simply run again.
 */
export async function cleanTables(sequelize: Sequelize): Promise<void> {
  const key = sequelize.config.database;
  let sql = statements.get(key);
  if (!sql) {
    sql = cleaningSql(sequelize);
    statements.set(key, sql);
    sql.catch(() => statements.delete(key));
  }
  const cleaning = await sql;
  for (let attempt = 1; ; attempt += 1) {
    try {
      // Several statements in one simple query: PostgreSQL runs them as one transaction.
      await sequelize.query(cleaning);
      return;
    } catch (error) {
      const original = (error as { original?: { code?: string; message?: string } }).original;
      if (original?.code !== '40P01' || attempt === 3)
        throw new Error(`cleaning the tables failed: ${original?.code ?? ''} ${original?.message ?? String(error)}`, {
          cause: error,
        });
    }
  }
}

/** Runs `work` while `table` is renamed away: every statement on it fails, as in a real outage of that table. */
export async function withTableAway<T>(sequelize: Sequelize, table: string, work: () => Promise<T>): Promise<T> {
  await sequelize.query(`ALTER TABLE ${table} RENAME TO ${table}_away`);
  try {
    return await work();
  } finally {
    await sequelize.query(`ALTER TABLE ${table}_away RENAME TO ${table}`);
  }
}
