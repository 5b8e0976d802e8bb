/** The creator API's reads of videos: one page at a time, in id order, always scoped to the creator. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { VideoStatus } from '../../models/video-model.ts';

export interface ApiVideo {
  id: number;
  title: string;
  status: VideoStatus;
  sizeBytes: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  createdAt: Date;
}

interface Row {
  id: number;
  title: string;
  status: VideoStatus;
  size_bytes: string;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  created_at: Date;
}

const COLUMNS = 'id, title, status, size_bytes, duration_seconds, width, height, created_at';

function apiVideo(row: Row): ApiVideo {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    sizeBytes: Number(row.size_bytes),
    durationSeconds: row.duration_seconds,
    width: row.width,
    height: row.height,
    createdAt: new Date(row.created_at),
  };
}

export function createApiVideosQuery(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;
  return {
    /** Up to `limit` videos with an id above `afterId`, lowest id first. */
    async page(creatorId: number, afterId: number, limit: number): Promise<ApiVideo[]> {
      const rows = await sequelize.query<Row>(
        `SELECT ${COLUMNS} FROM videos WHERE creator_id = :creatorId AND id > :afterId ORDER BY id LIMIT :limit`,
        { replacements: { creatorId, afterId, limit }, type: QueryTypes.SELECT },
      );
      return rows.map(apiVideo);
    },

    /** One of the creator's videos, or undefined (another creator's video is not theirs to see). */
    async find(creatorId: number, videoId: number): Promise<ApiVideo | undefined> {
      const rows = await sequelize.query<Row>(
        `SELECT ${COLUMNS} FROM videos WHERE creator_id = :creatorId AND id = :videoId`,
        { replacements: { creatorId, videoId }, type: QueryTypes.SELECT },
      );
      return rows[0] ? apiVideo(rows[0]) : undefined;
    },
  };
}

export type ApiVideosQuery = ReturnType<typeof createApiVideosQuery>;
