import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Refunds as Whop reports them (`refund.created/updated`), keyed by Whop's id. A refund may
 * arrive before its payment, so it names the payment by Whop id, not by a foreign key.
 * `event_at` is the ordering key of the last change applied.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE refunds (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_refund_id text NOT NULL UNIQUE CHECK (char_length(whop_refund_id) BETWEEN 1 AND 200),
      whop_payment_id text,
      amount numeric NOT NULL CHECK (amount >= 0),
      currency text NOT NULL CHECK (currency ~ '^[a-z][a-z0-9_]{1,15}$'),
      status text NOT NULL CHECK (status IN ('pending', 'requires_action', 'succeeded', 'failed', 'canceled')),
      whop_created_at timestamptz,
      event_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refunds_whop_payment_id_idx ON refunds (whop_payment_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE refunds;');
}
