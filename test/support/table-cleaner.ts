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

export async function cleanTables(sequelize: Sequelize): Promise<void> {
  await sequelize.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
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
