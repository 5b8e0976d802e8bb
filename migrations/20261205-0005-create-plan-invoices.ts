import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Invoices of Chronos plans as last seen (`invoice.past_due` / `invoice.paid`), so a late
 * `past_due` of an invoice already paid never starts a grace period. `event_at` orders changes.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE plan_invoices (
      whop_invoice_id text PRIMARY KEY CHECK (char_length(whop_invoice_id) BETWEEN 1 AND 200),
      whop_user_id text,
      status text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 50),
      event_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE plan_invoices;');
}
