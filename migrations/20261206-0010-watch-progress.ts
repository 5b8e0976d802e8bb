import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Watching. `students.manage_url` keeps the membership's `manage_url` from Whop (webhooks,
 * reconciliation, onboarding import), so a student whose membership ended gets a renew link
 * without a Whop call on the page. Only http(s) URLs are stored: it becomes a link's href.
 *
 * `watch_progress` is one row per signed-in user and video: where they stopped
 * (`position_seconds`, at most the video's length), how long they really watched
 * (`watched_seconds`, each save credited at most the wall-clock time since `last_saved_at`, so
 * a client cannot inflate it), and when they first reached 90 % of the video in watched time
 * (`completed_at`, set once). Rows go with their user or video.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE students ADD COLUMN manage_url text CHECK (manage_url ~ '^https?://' AND length(manage_url) <= 2048);

    CREATE TABLE watch_progress (
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      video_id integer NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
      position_seconds double precision NOT NULL DEFAULT 0 CHECK (position_seconds >= 0 AND position_seconds < 'Infinity'),
      watched_seconds double precision NOT NULL DEFAULT 0 CHECK (watched_seconds >= 0 AND watched_seconds < 'Infinity'),
      last_saved_at timestamptz NOT NULL,
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, video_id)
    );
    CREATE INDEX watch_progress_video_idx ON watch_progress (video_id);
    CREATE INDEX watch_progress_recent_idx ON watch_progress (user_id, last_saved_at DESC);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE watch_progress;
    ALTER TABLE students DROP COLUMN manage_url;
  `);
}
