/** Empties the app's tables between tests, so no test sees another's rows. */
import type { Sequelize } from 'sequelize';

const TABLES = [
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

/**
 * A test app's webhook worker may be applying a claim (creators, students, … then
 * webhook_events) while TRUNCATE takes its locks in list order: PostgreSQL breaks such a
 * deadlock by aborting one of the two, and when that is the TRUNCATE it is simply run again.
 */
export async function cleanTables(sequelize: Sequelize): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sequelize.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
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
