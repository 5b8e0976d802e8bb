import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Payments in every currency Whop sends, with the exact amount: `amount` is the decimal Whop
 * sent, in major units (NUMERIC, never a float), with the places it carries; `refunded_amount`
 * is what refunds took back. `amount_minor` stays as the conventional (2 or 0 places) rounded
 * figure the older pages read. Currency codes are Whop's (`usdt`, `whop_usd`, `btc`, …), and
 * payments may also be `authorized` or `canceled`.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE payments DROP CONSTRAINT payments_currency_check;
    ALTER TABLE payments ADD CONSTRAINT payments_currency_check CHECK (currency ~ '^[a-z][a-z0-9_]{1,15}$');
    ALTER TABLE payments DROP CONSTRAINT payments_status_check;
    ALTER TABLE payments ADD CONSTRAINT payments_status_check
      CHECK (status IN ('created', 'pending', 'authorized', 'succeeded', 'failed', 'canceled', 'refunded'));
    ALTER TABLE payments
      ADD COLUMN amount numeric CHECK (amount >= 0),
      ADD COLUMN amount_decimals smallint CHECK (amount_decimals BETWEEN 0 AND 30),
      ADD COLUMN refunded_amount numeric NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
      ADD COLUMN whop_plan_id text,
      ADD COLUMN whop_status text;
    UPDATE payments SET
      amount_decimals = CASE WHEN currency IN ('bif','clp','djf','gnf','isk','jpy','kmf','krw','mga','pyg','rwf','ugx','vnd','vuv','xaf','xof','xpf') THEN 0 ELSE 2 END;
    UPDATE payments SET amount = amount_minor / (10::numeric ^ amount_decimals);
    ALTER TABLE payments ALTER COLUMN amount SET NOT NULL, ALTER COLUMN amount_decimals SET NOT NULL;
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DELETE FROM payments WHERE currency !~ '^[a-z]{3}$' OR status IN ('authorized', 'canceled');
    ALTER TABLE payments DROP COLUMN whop_status, DROP COLUMN whop_plan_id, DROP COLUMN refunded_amount, DROP COLUMN amount_decimals, DROP COLUMN amount;
    ALTER TABLE payments DROP CONSTRAINT payments_status_check;
    ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('created', 'pending', 'succeeded', 'failed', 'refunded'));
    ALTER TABLE payments DROP CONSTRAINT payments_currency_check;
    ALTER TABLE payments ADD CONSTRAINT payments_currency_check CHECK (currency ~ '^[a-z]{3}$');
  `);
}
