import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE webhook_events (
      id text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 255),
      type text NOT NULL,
      company_id text,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'processed', 'skipped', 'ignored', 'dead')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      last_error text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz
    );
    CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE status IN ('pending', 'processing');
    CREATE INDEX webhook_events_received_at_idx ON webhook_events (received_at);
    CREATE INDEX webhook_events_status_idx ON webhook_events (status);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE webhook_events;');
}
