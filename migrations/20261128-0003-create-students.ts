import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE students (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creator_id integer NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
      whop_user_id text NOT NULL CHECK (whop_user_id ~ '^user_[A-Za-z0-9_]+$'),
      whop_membership_id text,
      whop_product_id text,
      status text NOT NULL CHECK (status IN ('active', 'over_limit', 'inactive', 'archived')),
      membership_status text,
      membership_updated_at timestamptz,
      joined_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT students_creator_user_key UNIQUE (creator_id, whop_user_id)
    );
    CREATE INDEX students_creator_status_idx ON students (creator_id, status, joined_at);
    CREATE INDEX students_whop_user_id_idx ON students (whop_user_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE students;');
}
