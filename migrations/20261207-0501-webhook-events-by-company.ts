import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * The admin's creator page lists the latest webhook events of the creator's company, and the
 * webhook page filters by type: both read `webhook_events` newest first.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE INDEX webhook_events_company_received_idx ON webhook_events (company_id, received_at DESC);
    CREATE INDEX webhook_events_type_received_idx ON webhook_events (type, received_at DESC);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP INDEX webhook_events_type_received_idx;
    DROP INDEX webhook_events_company_received_idx;
  `);
}
