import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * What a student row needs for memberships as Whop sends them: the Whop member id (a membership
 * whose user was deleted, `user: null`, is matched through it or its membership id), and the end
 * of a `past_due` grace period (access kept until then).
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE students ADD COLUMN whop_member_id text, ADD COLUMN grace_ends_at timestamptz;
    CREATE INDEX students_whop_membership_id_idx ON students (whop_membership_id);
    CREATE INDEX students_grace_ends_at_idx ON students (grace_ends_at) WHERE grace_ends_at IS NOT NULL;
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP INDEX students_grace_ends_at_idx;
    DROP INDEX students_whop_membership_id_idx;
    ALTER TABLE students DROP COLUMN grace_ends_at, DROP COLUMN whop_member_id;
  `);
}
