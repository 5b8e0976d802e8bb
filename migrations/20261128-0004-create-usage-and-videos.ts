import type { MigrationContext } from '../src/db/migrator.ts';

export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE usage_metrics (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creator_id integer NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
      month date NOT NULL CHECK (extract(day FROM month) = 1),
      ai_credits_used integer NOT NULL DEFAULT 0 CHECK (ai_credits_used >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT usage_metrics_creator_month_key UNIQUE (creator_id, month)
    );
    CREATE TABLE videos (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creator_id integer NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
      size_bytes bigint NOT NULL CHECK (size_bytes > 0),
      duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX videos_creator_id_idx ON videos (creator_id, created_at);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE videos; DROP TABLE usage_metrics;');
}
