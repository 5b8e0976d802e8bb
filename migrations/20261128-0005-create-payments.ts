import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE payments (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_payment_id text NOT NULL UNIQUE CHECK (whop_payment_id ~ '^pay_[A-Za-z0-9_]+$'),
      creator_id integer REFERENCES creators(id) ON DELETE SET NULL,
      whop_company_id text,
      whop_user_id text,
      whop_membership_id text,
      whop_product_id text,
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
      status text NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'failed', 'refunded')),
      failure_message text,
      paid_at timestamptz,
      whop_updated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payments_status_paid_at_idx ON payments (status, paid_at);
    CREATE INDEX payments_creator_id_idx ON payments (creator_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE payments;');
}
