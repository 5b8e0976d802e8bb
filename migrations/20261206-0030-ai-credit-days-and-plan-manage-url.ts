import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Pricing and honest AI credits (issue 17, points 5 and 6).
 *
 * `ai_credit_days` keeps the AI credits a creator used per UTC day, so the dashboard can show
 * the days of this month. It is written by the same statement that debits the monthly counter
 * in `usage_metrics` (a data-modifying CTE), so the two never disagree; the month stays the
 * limit's source of truth.
 *
 * `plan_memberships.manage_url` keeps Whop's `manage_url` of a creator's Chronos plan
 * membership (webhooks and reconciliation), so the pricing page links "change or cancel on
 * Whop" without a Whop call. Only http(s) URLs are stored: it becomes a link's href.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE ai_credit_days (
      creator_id integer NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
      day date NOT NULL,
      used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
      PRIMARY KEY (creator_id, day)
    );

    ALTER TABLE plan_memberships
      ADD COLUMN manage_url text CHECK (manage_url ~ '^https?://' AND length(manage_url) <= 2048);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE plan_memberships DROP COLUMN manage_url;
    DROP TABLE ai_credit_days;
  `);
}
