import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Disputes (`dispute.created/updated`) and dispute alerts (`dispute_alert.created`) as Whop
 * reports them, keyed by Whop's ids, for the admin page. `event_at` orders a dispute's changes.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE disputes (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_dispute_id text NOT NULL UNIQUE CHECK (char_length(whop_dispute_id) BETWEEN 1 AND 200),
      whop_payment_id text,
      whop_company_id text,
      creator_id integer REFERENCES creators(id) ON DELETE SET NULL,
      amount numeric NOT NULL CHECK (amount >= 0),
      currency text NOT NULL CHECK (currency ~ '^[a-z][a-z0-9_]{1,15}$'),
      status text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 50),
      reason text,
      needs_response_by timestamptz,
      whop_created_at timestamptz,
      event_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX disputes_status_idx ON disputes (status);
    CREATE TABLE dispute_alerts (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_alert_id text NOT NULL UNIQUE CHECK (char_length(whop_alert_id) BETWEEN 1 AND 200),
      alert_type text NOT NULL CHECK (char_length(alert_type) BETWEEN 1 AND 50),
      whop_payment_id text,
      whop_dispute_id text,
      whop_company_id text,
      amount numeric CHECK (amount >= 0),
      currency text CHECK (currency ~ '^[a-z][a-z0-9_]{1,15}$'),
      whop_created_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE dispute_alerts; DROP TABLE disputes;');
}
