/** Empties the app's tables between tests, so no test sees another's rows. */
import type { Sequelize } from 'sequelize';

const TABLES = ['reconciliation_runs', 'plan_memberships', 'email_outbox', 'webhook_events', 'payments', 'videos', 'usage_metrics', 'students', 'creators', 'users'];

export async function cleanTables(sequelize: Sequelize): Promise<void> {
  await sequelize.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
}
