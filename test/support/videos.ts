/**
 * Video rows for tests, inserted directly as the upload endpoint would leave them (the app has
 * no route that adds a video without uploading its bytes). The `videos` trigger keeps the
 * creator's `video_count` and `storage_bytes` exactly as for real uploads.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { VideoStatus } from '../../src/models/video-model.ts';

let sequence = 0;

export interface TestVideo {
  title?: string;
  sizeBytes?: number;
  status?: VideoStatus;
  durationSeconds?: number | null;
  width?: number | null;
  height?: number | null;
  failure?: string | null;
  /** The stored object's key (also its upload id); one is made up when not given. */
  storageKey?: string | null;
  position?: number;
  createdAt?: Date;
}

/** Inserts one video of `creatorId`; a ready 1 MB, 90-second 1280×720 video unless told otherwise. Returns its id. */
export async function insertVideo(sequelize: Sequelize, creatorId: number, video: TestVideo = {}): Promise<number> {
  sequence += 1;
  const status = video.status ?? 'ready';
  const key = video.storageKey === undefined ? `test-video-${process.pid}-${sequence}-key` : video.storageKey;
  const [row] = await sequelize.query<{ id: number }>(
    `INSERT INTO videos (creator_id, title, size_bytes, duration_seconds, width, height, codec, mime_type,
        status, upload_id, storage_key, position, failure, created_at, updated_at)
     VALUES (:creatorId, :title, :sizeBytes, :durationSeconds, :width, :height, :codec, :mimeType,
        :status, :key, :key, :position, :failure, :createdAt, :createdAt)
     RETURNING id`,
    {
      replacements: {
        creatorId,
        title: video.title ?? `Lesson ${sequence}`,
        sizeBytes: video.sizeBytes ?? 1024 ** 2,
        durationSeconds: video.durationSeconds === undefined ? (status === 'ready' ? 90 : null) : video.durationSeconds,
        width: video.width === undefined ? (status === 'ready' ? 1280 : null) : video.width,
        height: video.height === undefined ? (status === 'ready' ? 720 : null) : video.height,
        codec: status === 'ready' ? 'vp9' : null,
        mimeType: status === 'ready' ? 'video/webm' : null,
        status,
        key,
        position: video.position ?? sequence,
        failure: video.failure ?? (status === 'failed' ? 'The file is not a video.' : null),
        createdAt: video.createdAt ?? new Date(),
      },
      type: QueryTypes.SELECT,
    },
  );
  if (!row) throw new Error('the video was not inserted');
  return row.id;
}

/** The creator's counters as the trigger keeps them. */
export async function creatorCounters(
  sequelize: Sequelize,
  creatorId: number,
): Promise<{ videoCount: number; storageBytes: number }> {
  const [row] = await sequelize.query<{ video_count: number; storage_bytes: string }>(
    'SELECT video_count, storage_bytes FROM creators WHERE id = :creatorId',
    { replacements: { creatorId }, type: QueryTypes.SELECT },
  );
  return { videoCount: Number(row?.video_count ?? 0), storageBytes: Number(row?.storage_bytes ?? 0) };
}
