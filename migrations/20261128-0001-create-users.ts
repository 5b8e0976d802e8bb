import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE users (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      whop_user_id text NOT NULL UNIQUE CHECK (whop_user_id ~ '^user_[A-Za-z0-9_]+$'),
      username text,
      name text,
      email text,
      avatar_url text,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE users;');
}
