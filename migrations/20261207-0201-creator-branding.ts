import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Custom branding (issue 17, point 2): a creator's accent colour and logo. One row per creator,
 * kept when the tier drops below Pro (branding is then hidden, never deleted). The logo's bytes
 * live in the media storage under `logo_key`; the row says what they are. The checks repeat
 * the app's rules so no other writer can store a colour or a logo the pages cannot use.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE creator_branding (
      creator_id integer PRIMARY KEY REFERENCES creators (id) ON DELETE CASCADE,
      accent_color text CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
      logo_key text UNIQUE CHECK (logo_key ~ '^[A-Za-z0-9_-]{16,128}$'),
      logo_content_type text CHECK (logo_content_type IN ('image/png', 'image/jpeg', 'image/webp')),
      logo_bytes integer CHECK (logo_bytes BETWEEN 1 AND 1048576),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((logo_key IS NULL) = (logo_content_type IS NULL) AND (logo_key IS NULL) = (logo_bytes IS NULL))
    );
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE creator_branding;');
}
