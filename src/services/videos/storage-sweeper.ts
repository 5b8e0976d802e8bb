/**
 * Brings storage and the `videos` table back in line after what no transaction covers: a
 * crash between writing bytes and writing the row leaves an object nobody references, and an
 * object lost outside Chronos leaves a `ready` row that cannot play. The sweeper removes the
 * first (once older than a grace period, so an upload whose row is still being written is
 * spared) and marks the second `failed`, which also releases its usage through the trigger.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { MediaStorage } from '../../infra/storage/media-storage.ts';

export interface SweepReport {
  /** Storage keys removed: no row referenced them. */
  removedObjects: string[];
  /** Ids of `ready` videos whose object was missing, now `failed`. */
  missingObjects: number[];
}

export interface StorageSweeper {
  sweep(options: { olderThanMs: number }): Promise<SweepReport>;
}

export const MISSING_FILE_FAILURE = 'The video file is missing from storage. Delete this video and upload it again.';

/** Keys checked against the table per statement. */
const BATCH = 500;

export function createStorageSweeper(deps: {
  sequelize: Sequelize;
  storage: MediaStorage;
  logger: Logger;
  now: () => number;
}): StorageSweeper {
  const { sequelize, storage, logger, now } = deps;

  /** The keys of `keys` that no row names as its upload or its stored object, nor as a creator's logo. */
  async function unreferenced(keys: string[]): Promise<string[]> {
    const orphans: string[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const rows = await sequelize.query<{ key: string }>(
        `SELECT k.key FROM unnest($1::text[]) AS k(key)
          WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.upload_id = k.key OR v.storage_key = k.key)
            AND NOT EXISTS (SELECT 1 FROM creator_branding b WHERE b.logo_key = k.key)`,
        { bind: [keys.slice(i, i + BATCH)], type: QueryTypes.SELECT },
      );
      orphans.push(...rows.map((r) => r.key));
    }
    return orphans;
  }

  async function markMissing(listed: Set<string>): Promise<number[]> {
    const ready = await sequelize.query<{ id: number; key: string }>(
      `SELECT id, COALESCE(storage_key, upload_id) AS key FROM videos
        WHERE status = 'ready' AND COALESCE(storage_key, upload_id) IS NOT NULL ORDER BY id`,
      { type: QueryTypes.SELECT },
    );
    // An empty storage beside ready videos is a wrong setting (another folder or bucket), not lost files: mark nothing.
    if (listed.size === 0 && ready.length > 0) {
      logger.error(
        { readyVideos: ready.length, storage: storage.kind },
        'storage holds no objects but videos are ready: check the storage settings; nothing marked missing',
      );
      return [];
    }
    const missing: number[] = [];
    for (const { id, key } of ready) {
      // Asked again: the listing is older than the row, which may have become ready since.
      if (listed.has(key) || (await storage.size(key)) !== null) continue;
      const [, changed] = await sequelize.query(
        `UPDATE videos SET status = 'failed', failure = $2, updated_at = now() WHERE id = $1 AND status = 'ready'`,
        { bind: [id, MISSING_FILE_FAILURE], type: QueryTypes.UPDATE },
      );
      if (changed > 0) missing.push(id);
    }
    return missing;
  }

  return {
    async sweep({ olderThanMs }) {
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new RangeError('olderThanMs must be 0 or more');
      const cutoff = now() - olderThanMs;
      const listed = new Set<string>();
      const old: string[] = [];
      for await (const object of storage.list()) {
        listed.add(object.key);
        if (object.modifiedAt.getTime() < cutoff) old.push(object.key);
      }
      const removedObjects: string[] = [];
      for (const key of await unreferenced(old)) {
        await storage.remove(key);
        removedObjects.push(key);
      }
      const report: SweepReport = { removedObjects, missingObjects: await markMissing(listed) };
      logger.info({ ...report, storage: storage.kind }, 'storage sweep finished');
      return report;
    },
  };
}
