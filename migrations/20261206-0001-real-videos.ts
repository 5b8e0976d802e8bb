import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Videos become uploaded files. A row is born `uploading` when a tus upload is created, with
 * `size_bytes` = its declared `Upload-Length` (the reservation); it becomes `ready` when the
 * bytes are stored and probed, or `failed` (with a reason). Rows not `failed` count against
 * the limits: `creators.video_count` and `creators.storage_bytes` are kept by a trigger, so
 * every path (upload, delete, failure, cascade) keeps them exact, and an upload reserves its
 * slot in one statement that locks the creator's row and re-checks the counters on it.
 *
 * Rows from before uploads carry typed sizes and no file: they become `failed` with a reason,
 * so they neither count nor pretend to play.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE videos
      ADD COLUMN status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'ready', 'failed')),
      ADD COLUMN upload_id text UNIQUE CHECK (upload_id ~ '^[A-Za-z0-9_-]{16,128}$'),
      ADD COLUMN storage_key text,
      ADD COLUMN mime_type text,
      ADD COLUMN width integer CHECK (width > 0),
      ADD COLUMN height integer CHECK (height > 0),
      ADD COLUMN codec text,
      ADD COLUMN position integer NOT NULL DEFAULT 0,
      ADD COLUMN failure text,
      ALTER COLUMN duration_seconds DROP NOT NULL;
    ALTER TABLE videos DROP CONSTRAINT IF EXISTS videos_duration_seconds_check;
    ALTER TABLE videos ADD CONSTRAINT videos_duration_seconds_check CHECK (duration_seconds >= 0);
    UPDATE videos SET status = 'failed',
      failure = 'Added before uploads existed: no file was ever uploaded. Delete it and upload the file.',
      position = ranked.n
      FROM (SELECT id, row_number() OVER (PARTITION BY creator_id ORDER BY created_at, id) AS n FROM videos) AS ranked
      WHERE videos.id = ranked.id;
    CREATE INDEX videos_creator_position_idx ON videos (creator_id, position, id);

    ALTER TABLE creators
      ADD COLUMN video_count integer NOT NULL DEFAULT 0 CHECK (video_count >= 0),
      ADD COLUMN storage_bytes bigint NOT NULL DEFAULT 0 CHECK (storage_bytes >= 0);

    CREATE FUNCTION videos_keep_creator_usage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'failed' THEN
        UPDATE creators SET video_count = video_count - 1, storage_bytes = storage_bytes - OLD.size_bytes
          WHERE id = OLD.creator_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'failed' THEN
        UPDATE creators SET video_count = video_count + 1, storage_bytes = storage_bytes + NEW.size_bytes
          WHERE id = NEW.creator_id;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER videos_creator_usage
      AFTER INSERT OR DELETE OR UPDATE OF status, size_bytes, creator_id ON videos
      FOR EACH ROW EXECUTE FUNCTION videos_keep_creator_usage();
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TRIGGER videos_creator_usage ON videos;
    DROP FUNCTION videos_keep_creator_usage();
    ALTER TABLE creators DROP COLUMN video_count, DROP COLUMN storage_bytes;
    DROP INDEX videos_creator_position_idx;
    DELETE FROM videos WHERE duration_seconds IS NULL OR duration_seconds = 0;
    ALTER TABLE videos DROP CONSTRAINT videos_duration_seconds_check;
    ALTER TABLE videos ADD CONSTRAINT videos_duration_seconds_check CHECK (duration_seconds > 0);
    ALTER TABLE videos ALTER COLUMN duration_seconds SET NOT NULL,
      DROP COLUMN status, DROP COLUMN upload_id, DROP COLUMN storage_key, DROP COLUMN mime_type,
      DROP COLUMN width, DROP COLUMN height, DROP COLUMN codec, DROP COLUMN position, DROP COLUMN failure;
  `);
}
