/**
 * Per video of a creator (ready ones, in library order): how many viewers started it, their
 * total watch time and how many completed it (see watch-progress-service.ts for what counts).
 * The analytics page shows it (Basic and up). The creator's own previews are never stored.
 */
import { QueryTypes, type Sequelize } from 'sequelize';

export interface VideoEngagement {
  videoId: number;
  title: string;
  durationSeconds: number | null;
  viewers: number;
  watchedSeconds: number;
  completions: number;
  /** Completions per viewer, 0..100, rounded down; null without viewers. */
  completionPercent: number | null;
}

export function createVideoEngagementQuery(deps: { sequelize: Sequelize }) {
  return {
    async forCreator(creatorId: number): Promise<VideoEngagement[]> {
      const rows = await deps.sequelize.query<{
        id: number;
        title: string;
        duration_seconds: number | null;
        viewers: string | number;
        watched: string | number | null;
        completions: string | number;
      }>(
        `SELECT v.id, v.title, v.duration_seconds, count(w.user_id) AS viewers,
                coalesce(sum(w.watched_seconds), 0) AS watched, count(w.completed_at) AS completions
           FROM videos v
           LEFT JOIN watch_progress w ON w.video_id = v.id
          WHERE v.creator_id = :creatorId AND v.status = 'ready'
          GROUP BY v.id
          ORDER BY v.position, v.id`,
        { replacements: { creatorId }, type: QueryTypes.SELECT },
      );
      return rows.map((r) => {
        const viewers = Number(r.viewers);
        const completions = Number(r.completions);
        return {
          videoId: r.id,
          title: r.title,
          durationSeconds: r.duration_seconds,
          viewers,
          watchedSeconds: Math.floor(Number(r.watched ?? 0)),
          completions,
          completionPercent: viewers === 0 ? null : Math.floor((completions / viewers) * 100),
        };
      });
    },
  };
}

export type VideoEngagementQuery = ReturnType<typeof createVideoEngagementQuery>;
