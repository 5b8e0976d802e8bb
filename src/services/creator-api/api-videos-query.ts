/** The creator API's reads of videos: one page at a time, in id order, always scoped to the creator. */
import { QueryTypes, type Sequelize } from 'sequelize';
import { VIDEO_COLUMNS, videoSummary, type VideoRow, type VideoSummary } from '../videos/video-row.ts';

/** What the API answers for a video (its failure text stays on the creator's pages). */
export type ApiVideo = VideoSummary;

export function createApiVideosQuery(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;
  return {
    /** Up to `limit` videos with an id above `afterId`, lowest id first. */
    async page(creatorId: number, afterId: number, limit: number): Promise<ApiVideo[]> {
      const rows = await sequelize.query<VideoRow>(
        `SELECT ${VIDEO_COLUMNS} FROM videos WHERE creator_id = :creatorId AND id > :afterId ORDER BY id LIMIT :limit`,
        { replacements: { creatorId, afterId, limit }, type: QueryTypes.SELECT },
      );
      return rows.map(videoSummary);
    },

    /** One of the creator's videos, or undefined (another creator's video is not theirs to see). */
    async find(creatorId: number, videoId: number): Promise<ApiVideo | undefined> {
      const rows = await sequelize.query<VideoRow>(
        `SELECT ${VIDEO_COLUMNS} FROM videos WHERE creator_id = :creatorId AND id = :videoId`,
        { replacements: { creatorId, videoId }, type: QueryTypes.SELECT },
      );
      return rows[0] ? videoSummary(rows[0]) : undefined;
    },
  };
}

export type ApiVideosQuery = ReturnType<typeof createApiVideosQuery>;
