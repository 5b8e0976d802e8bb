import type { MigrationContext } from '../src/db/migrator.ts';

/** What the creator's dashboard shows about their Chronos plan: when it renews, whether it ends then. */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE creators
      ADD COLUMN tier_renews_at timestamptz,
      ADD COLUMN tier_cancel_at_period_end boolean NOT NULL DEFAULT false;
    ALTER TABLE creators ADD CONSTRAINT creators_owner_user_id_key UNIQUE (owner_user_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE creators DROP CONSTRAINT creators_owner_user_id_key;
    ALTER TABLE creators DROP COLUMN tier_cancel_at_period_end, DROP COLUMN tier_renews_at;
  `);
}
