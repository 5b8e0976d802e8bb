/**
 * The creator's video library: what they see (every video in their order, with its status) and
 * what they change by hand (title, order, deletion). Uploads make the rows (the tus endpoint);
 * this service only reads and edits them, always scoped to the creator, so another creator's
 * video id is simply not found.
 *
 * Usage counters are the database's job: the trigger on `videos` releases a deleted row's slot
 * and bytes in the same statement, so a deletion frees room at once. The stored object goes
 * after the row; if removing it fails the row stays gone (the creator asked for it) and the
 * storage sweeper removes the orphan later, so the failure is only logged.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { MediaStorage } from '../../infra/storage/media-storage.ts';
import { NotFoundError } from '../../domain/app-errors.ts';
import { VIDEO_COLUMNS, videoSummary, type VideoRow, type VideoSummary } from './video-row.ts';

export interface LibraryVideo extends VideoSummary {
  failure: string | null;
}

export type MoveDirection = 'up' | 'down';

/** What a move did: `moved`, or `edge` when the video already is first (up) or last (down). */
export type MoveOutcome = 'moved' | 'edge';

const NOT_FOUND = 'That video is not in your library.';

interface LibraryRow extends VideoRow {
  failure: string | null;
}

const LIBRARY_COLUMNS = `${VIDEO_COLUMNS}, failure`;

function libraryVideo(row: LibraryRow): LibraryVideo {
  return { ...videoSummary(row), failure: row.failure };
}

export function createVideoLibrary(deps: {
  sequelize: Sequelize;
  mediaStorage: Pick<MediaStorage, 'remove'>;
  logger: Logger;
}) {
  const { sequelize } = deps;

  return {
    /** Every video of the creator in library order (position, ties by id). */
    async list(creatorId: number): Promise<LibraryVideo[]> {
      const rows = await sequelize.query<LibraryRow>(
        `SELECT ${LIBRARY_COLUMNS} FROM videos WHERE creator_id = :creatorId ORDER BY position, id`,
        { replacements: { creatorId }, type: QueryTypes.SELECT },
      );
      return rows.map(libraryVideo);
    },

    /**
     * The tus ids of the creator's uploads that can still take bytes: the uploader offers only these
     * for resuming, and forgets any other upload its browser kept (finished unseen, expired, deleted).
     */
    async unfinishedUploadIds(creatorId: number): Promise<string[]> {
      const rows = await sequelize.query<{ uploadId: string }>(
        `SELECT upload_id AS "uploadId" FROM videos
          WHERE creator_id = :creatorId AND status = 'uploading' AND upload_id IS NOT NULL ORDER BY id`,
        { replacements: { creatorId }, type: QueryTypes.SELECT },
      );
      return rows.map((row) => row.uploadId);
    },

    /** Renames one of the creator's videos; the title is already validated. */
    async rename(creatorId: number, videoId: number, title: string): Promise<void> {
      const rows = await sequelize.query<{ id: number }>(
        `UPDATE videos SET title = :title, updated_at = now()
           WHERE id = :videoId AND creator_id = :creatorId RETURNING id`,
        { replacements: { creatorId, videoId, title }, type: QueryTypes.SELECT },
      );
      if (rows.length === 0) throw new NotFoundError(NOT_FOUND);
    },

    /**
     * Swaps the video with its neighbour in one transaction. Positions may tie (uploads that
     * arrived together), so the creator's rows are renumbered 1..n in their new order: a swap of
     * equal positions would otherwise change nothing. The rows are locked first and the order
     * read after, in a statement of its own: a `SELECT … ORDER BY … FOR UPDATE` that waited for
     * a concurrent move returns the rows in the order sorted before it waited.
     */
    async move(creatorId: number, videoId: number, direction: MoveDirection): Promise<MoveOutcome> {
      return sequelize.transaction(async (transaction) => {
        await sequelize.query('SELECT id FROM videos WHERE creator_id = :creatorId FOR UPDATE', {
          replacements: { creatorId },
          transaction,
        });
        const rows = await sequelize.query<{ id: number }>(
          'SELECT id FROM videos WHERE creator_id = :creatorId ORDER BY position, id',
          { replacements: { creatorId }, type: QueryTypes.SELECT, transaction },
        );
        const ids = rows.map((row) => row.id);
        const index = ids.indexOf(videoId);
        if (index < 0) throw new NotFoundError(NOT_FOUND);
        const other = direction === 'up' ? index - 1 : index + 1;
        if (other < 0 || other >= ids.length) return 'edge';
        [ids[index], ids[other]] = [ids[other]!, ids[index]!];
        await sequelize.query(
          `UPDATE videos SET position = ordered.n
             FROM unnest(ARRAY[:ids]::integer[]) WITH ORDINALITY AS ordered(id, n)
            WHERE videos.id = ordered.id AND videos.position IS DISTINCT FROM ordered.n`,
          { replacements: { ids }, transaction },
        );
        return 'moved';
      });
    },

    /**
     * Deletes one of the creator's videos and returns its title. The row goes first (the
     * trigger frees its slot and bytes in the same statement); then its object, best effort.
     * An upload still in progress has its bytes under its upload id.
     */
    async remove(creatorId: number, videoId: number): Promise<{ title: string }> {
      const rows = await sequelize.query<{ title: string; storage_key: string | null; upload_id: string | null }>(
        `DELETE FROM videos WHERE id = :videoId AND creator_id = :creatorId
           RETURNING title, storage_key, upload_id`,
        { replacements: { creatorId, videoId }, type: QueryTypes.SELECT },
      );
      const deleted = rows[0];
      if (!deleted) throw new NotFoundError(NOT_FOUND);
      const key = deleted.storage_key ?? deleted.upload_id;
      if (key) {
        try {
          await deps.mediaStorage.remove(key);
        } catch (error) {
          deps.logger.warn(
            { err: error, videoId, creatorId },
            'video deleted but its stored object was not removed; the sweeper will remove it',
          );
        }
      }
      return { title: deleted.title };
    },

    /** One of the creator's videos, or NotFoundError (the delete confirmation shows its title). */
    async find(creatorId: number, videoId: number): Promise<LibraryVideo> {
      const rows = await sequelize.query<LibraryRow>(
        `SELECT ${LIBRARY_COLUMNS} FROM videos WHERE id = :videoId AND creator_id = :creatorId`,
        { replacements: { creatorId, videoId }, type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (!row) throw new NotFoundError(NOT_FOUND);
      return libraryVideo(row);
    },
  };
}

export type VideoLibrary = ReturnType<typeof createVideoLibrary>;
