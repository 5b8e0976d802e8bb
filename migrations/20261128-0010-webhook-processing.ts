import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * What webhook processing needs: a claim token per attempt (so a worker whose lease lapsed can
 * never finish an event another worker re-claimed), the outcome shown to admins, the creators'
 * Chronos plan memberships as last seen (so a webhook alone decides a tier, without a Whop
 * call), and the record of reconciliation runs.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE webhook_events ADD COLUMN claim_token uuid, ADD COLUMN outcome text;
    CREATE TABLE plan_memberships (
      whop_membership_id text PRIMARY KEY CHECK (whop_membership_id ~ '^mem_[A-Za-z0-9_]+$'),
      whop_user_id text NOT NULL,
      whop_product_id text NOT NULL,
      whop_plan_id text,
      status text NOT NULL,
      renewal_period_end timestamptz,
      cancel_at_period_end boolean NOT NULL DEFAULT false,
      whop_updated_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX plan_memberships_user_idx ON plan_memberships (whop_user_id);
    CREATE TABLE reconciliation_runs (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      trigger text NOT NULL CHECK (trigger IN ('schedule', 'admin', 'onboarding')),
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      summary jsonb NOT NULL DEFAULT '{}',
      error text
    );
    CREATE INDEX reconciliation_runs_started_at_idx ON reconciliation_runs (started_at DESC);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE reconciliation_runs;
    DROP TABLE plan_memberships;
    ALTER TABLE webhook_events DROP COLUMN outcome, DROP COLUMN claim_token;
  `);
}
