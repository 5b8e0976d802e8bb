import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE creators (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_company_id text NOT NULL UNIQUE CHECK (whop_company_id ~ '^biz_[A-Za-z0-9_]+$'),
      company_name text,
      owner_user_id integer NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      tier text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'basic', 'pro', 'enterprise')),
      tier_source_membership_id text,
      tier_updated_at timestamptz,
      billing_status text NOT NULL DEFAULT 'ok' CHECK (billing_status IN ('ok', 'past_due')),
      grace_period_ends_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX creators_owner_user_id_idx ON creators (owner_user_id);
    CREATE INDEX creators_tier_idx ON creators (tier);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE creators;');
}
