import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Each creator's standing with Whop, re-checked at sign-in, in reconciliation and on "Check again":
 * - `connection`: `connected`, or `disconnected` since `disconnected_at` when Whop answers 403 for the
 *   company (the app was uninstalled, or its permissions are no longer approved).
 * - `owner_access`: whether the owner is still an admin of the company on Whop (`admin`), or lost it
 *   (`revoked`, since `owner_revoked_at`); a current admin can then take the creator over, which keeps
 *   the row and records the former owner and when it changed hands.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE creators
      ADD COLUMN connection text NOT NULL DEFAULT 'connected' CHECK (connection IN ('connected', 'disconnected')),
      ADD COLUMN disconnected_at timestamptz,
      ADD COLUMN owner_access text NOT NULL DEFAULT 'admin' CHECK (owner_access IN ('admin', 'revoked')),
      ADD COLUMN owner_access_checked_at timestamptz,
      ADD COLUMN owner_revoked_at timestamptz,
      ADD COLUMN previous_owner_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN owner_changed_at timestamptz,
      ADD CONSTRAINT creators_disconnected_since CHECK ((connection = 'disconnected') = (disconnected_at IS NOT NULL)),
      ADD CONSTRAINT creators_owner_revoked_since CHECK ((owner_access = 'revoked') = (owner_revoked_at IS NOT NULL));
    CREATE INDEX creators_disconnected_idx ON creators (disconnected_at) WHERE connection = 'disconnected';
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP INDEX creators_disconnected_idx;
    ALTER TABLE creators
      DROP CONSTRAINT creators_owner_revoked_since,
      DROP CONSTRAINT creators_disconnected_since,
      DROP COLUMN owner_changed_at,
      DROP COLUMN previous_owner_user_id,
      DROP COLUMN owner_revoked_at,
      DROP COLUMN owner_access_checked_at,
      DROP COLUMN owner_access,
      DROP COLUMN disconnected_at,
      DROP COLUMN connection;
  `);
}
