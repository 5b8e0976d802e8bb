import type { MigrationContext } from '../src/db/migrator.ts';

/** The trial-ending mail (`membership.trial_ending_soon`) joins the outbox's templates. */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_template_check;
    ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_template_check
      CHECK (template IN ('welcome', 'expiration', 'receipt', 'payment_failed', 'grace_period', 'trial_ending'));
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DELETE FROM email_outbox WHERE template = 'trial_ending';
    ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_template_check;
    ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_template_check
      CHECK (template IN ('welcome', 'expiration', 'receipt', 'payment_failed', 'grace_period'));
  `);
}
