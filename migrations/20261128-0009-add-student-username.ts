import type { MigrationContext } from '../src/db/migrator.ts';

/** The Whop username of a student, as their membership carries it, so creators see who is who. */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('ALTER TABLE students ADD COLUMN username text;');
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('ALTER TABLE students DROP COLUMN username;');
}
