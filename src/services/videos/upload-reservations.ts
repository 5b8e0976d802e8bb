/**
 * An upload's claim on the creator's limits, from creation to ready, failed or released.
 *
 * Reserving is one statement: it locks the creator's row (`FOR UPDATE`) and checks the
 * counters on that row, which PostgreSQL re-reads after waiting for the lock, so two
 * concurrent uploads can never both take the last slot or the last bytes. The inserted
 * `uploading` row *is* the reservation: the `videos_creator_usage` trigger adds its declared
 * length and one slot to the counters in the same statement. Deleting that row (abort,
 * expiry, refusal) gives them back exactly once, because a row is deleted once.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { TIER_TABLE, TIERS, type Tier } from '../../domain/tier-table.ts';

export interface Reservation {
  creatorId: number;
  uploadId: string;
  title: string;
  sizeBytes: number;
}

export type ReserveOutcome =
  | { reserved: true; videoId: number }
  | {
      reserved: false;
      limit: 'videos' | 'storage';
      tier: Tier;
      /** What is left before this upload: slots for `videos`, bytes for `storage`. */
      remaining: number;
      limitValue: number;
    };

export interface ProbedVideo {
  mimeType: string;
  durationSeconds: number;
  width: number;
  height: number;
  codec: string;
}

/** The tier table as SQL rows `(tier, videos, storage_bytes)`: the limit is read with the locked row's tier. */
const TIER_LIMITS_SQL = `(VALUES ${TIERS.map((tier) => {
  const { videos, storageBytes } = TIER_TABLE[tier].limits;
  return `('${tier}', ${videos ?? 'NULL'}::bigint, ${storageBytes ?? 'NULL'}::bigint)`;
}).join(', ')}) AS limits (tier, videos, storage_bytes)`;

const RESERVE = `INSERT INTO videos (creator_id, title, size_bytes, status, upload_id, position, created_at, updated_at)
  SELECT c.id, :title, :size, 'uploading', :uploadId,
         coalesce((SELECT max(position) FROM videos WHERE creator_id = c.id), 0) + 1, :now, :now
    FROM creators c JOIN ${TIER_LIMITS_SQL} ON limits.tier = c.tier
   WHERE c.id = :creatorId
     AND (limits.videos IS NULL OR c.video_count + 1 <= limits.videos)
     AND (limits.storage_bytes IS NULL OR c.storage_bytes + :size <= limits.storage_bytes)
     FOR UPDATE OF c
  RETURNING id`;

export function createUploadReservations(deps: { sequelize: Sequelize; now?: () => Date }) {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());

  async function refusal(creatorId: number, sizeBytes: number): Promise<ReserveOutcome> {
    const [row] = await sequelize.query<{ tier: Tier; video_count: number; storage_bytes: string }>(
      'SELECT tier, video_count, storage_bytes FROM creators WHERE id = :creatorId',
      { replacements: { creatorId }, type: QueryTypes.SELECT },
    );
    if (!row) throw new Error(`creator ${creatorId} not found`);
    const limits = TIER_TABLE[row.tier].limits;
    const used = Number(row.storage_bytes);
    if (limits.videos !== null && row.video_count + 1 > limits.videos)
      return {
        reserved: false,
        limit: 'videos',
        tier: row.tier,
        remaining: Math.max(0, limits.videos - row.video_count),
        limitValue: limits.videos,
      };
    const storageLimit = limits.storageBytes ?? used + sizeBytes;
    return {
      reserved: false,
      limit: 'storage',
      tier: row.tier,
      remaining: Math.max(0, storageLimit - used),
      limitValue: storageLimit,
    };
  }

  return {
    /** Takes one video slot and `sizeBytes` of storage for a new upload, or says which limit refuses it. */
    async reserve(reservation: Reservation): Promise<ReserveOutcome> {
      const rows = await sequelize.query<{ id: number }>(RESERVE, {
        replacements: {
          creatorId: reservation.creatorId,
          title: reservation.title,
          size: reservation.sizeBytes,
          uploadId: reservation.uploadId,
          now: now(),
        },
        type: QueryTypes.SELECT,
      });
      const id = rows[0]?.id;
      return id === undefined ? refusal(reservation.creatorId, reservation.sizeBytes) : { reserved: true, videoId: id };
    },

    /** The creator's unfinished upload with this id, if it is theirs: ids are bound to their creator. */
    async findUploading(creatorId: number, uploadId: string): Promise<{ id: number } | undefined> {
      const [row] = await sequelize.query<{ id: number }>(
        "SELECT id FROM videos WHERE upload_id = :uploadId AND creator_id = :creatorId AND status = 'uploading'",
        { replacements: { uploadId, creatorId }, type: QueryTypes.SELECT },
      );
      return row;
    },

    /** The size of the creator's upload with this id if it finished (its video is ready); undefined otherwise. */
    async finishedSize(creatorId: number, uploadId: string): Promise<number | undefined> {
      const [row] = await sequelize.query<{ sizeBytes: string | number }>(
        `SELECT size_bytes AS "sizeBytes" FROM videos
          WHERE upload_id = :uploadId AND creator_id = :creatorId AND status = 'ready'`,
        { replacements: { uploadId, creatorId }, type: QueryTypes.SELECT },
      );
      return row ? Number(row.sizeBytes) : undefined;
    },

    /** The bytes are stored and probed: the reservation becomes the video's usage (same size: tus fixes the length). */
    async complete(uploadId: string, probed: ProbedVideo): Promise<boolean> {
      const [, affected] = await sequelize.query(
        `UPDATE videos SET status = 'ready', storage_key = upload_id, mime_type = :mimeType,
           duration_seconds = :durationSeconds, width = :width, height = :height, codec = :codec, updated_at = now()
         WHERE upload_id = :uploadId AND status = 'uploading'`,
        { replacements: { uploadId, ...probed }, type: QueryTypes.UPDATE },
      );
      return Number(affected) === 1;
    },

    /** Gives the slot and bytes back (abort, refusal of the content); returns whether there was one to give. */
    async release(uploadId: string): Promise<boolean> {
      const deleted = await sequelize.query<{ id: number }>(
        "DELETE FROM videos WHERE upload_id = :uploadId AND status = 'uploading' RETURNING id",
        { replacements: { uploadId }, type: QueryTypes.SELECT },
      );
      return deleted.length > 0;
    },

    /**
     * Unfinished uploads created (on this service's clock) before `olderThanMs` ago, oldest first: the expiry job
     * releases them.
     */
    async expired(olderThanMs: number, limit = 100): Promise<string[]> {
      const rows = await sequelize.query<{ upload_id: string }>(
        `SELECT upload_id FROM videos WHERE status = 'uploading' AND created_at < :before
          ORDER BY created_at LIMIT :limit`,
        { replacements: { before: new Date(now().getTime() - olderThanMs), limit }, type: QueryTypes.SELECT },
      );
      return rows.map((r) => r.upload_id);
    },
  };
}

export type UploadReservations = ReturnType<typeof createUploadReservations>;
