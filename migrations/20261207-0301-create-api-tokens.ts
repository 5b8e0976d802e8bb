import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Personal access tokens of the creator API (`/api/v1`). Only the SHA-256 of a token is kept
 * (`token_hash`, 32 bytes, unique: the lookup key); `token_prefix` is the visible start of the
 * token (`chr_` and 8 characters) the settings page shows so a creator can tell tokens apart.
 * `scope` is `read` or `write`. A revoked token keeps its row (`revoked_at`), so a request with
 * it is told it was revoked rather than that it is unknown. `last_used_at` is written at most
 * once a minute per token. Tokens go with their creator.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE api_tokens (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creator_id integer NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      token_prefix text NOT NULL CHECK (token_prefix ~ '^chr_[A-Za-z0-9_-]{8}$'),
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      scope text NOT NULL CHECK (scope IN ('read', 'write')),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_creator_idx ON api_tokens (creator_id, created_at);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE api_tokens;');
}
