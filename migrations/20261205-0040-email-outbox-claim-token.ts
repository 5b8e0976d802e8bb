import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * The outbox joins the webhook inbox's claim protocol (src/infra/work-queue/): each claim
 * writes a token, and a sender settles a mail only while the row still carries its token.
 * A claim in flight during the upgrade carries none; it is taken over when its lease lapses.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('ALTER TABLE email_outbox ADD COLUMN claim_token uuid;');
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('ALTER TABLE email_outbox DROP COLUMN claim_token;');
}
