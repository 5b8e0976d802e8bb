/**
 * The creator API's reads of students: status, when they joined, and their progress (how many
 * of the creator's ready videos they completed, i.e. watched 90 %), one page at a time in id order.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { StudentStatus } from '../../models/student-model.ts';

export interface ApiStudent {
  id: number;
  whopUserId: string;
  username: string | null;
  status: StudentStatus;
  joinedAt: Date;
  progress: { completedVideos: number; totalVideos: number };
}

interface Row {
  id: number;
  whop_user_id: string;
  username: string | null;
  status: StudentStatus;
  joined_at: Date;
  completed: string;
  total: string;
}

export function createApiStudentsQuery(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;
  return {
    /** Up to `limit` students with an id above `afterId`, lowest id first. */
    async page(creatorId: number, afterId: number, limit: number): Promise<ApiStudent[]> {
      const rows = await sequelize.query<Row>(
        `WITH ready AS (SELECT id FROM videos WHERE creator_id = :creatorId AND status = 'ready')
         SELECT s.id, s.whop_user_id, s.username, s.status, s.joined_at,
                (SELECT count(*) FROM watch_progress w JOIN users u ON u.id = w.user_id
                  WHERE u.whop_user_id = s.whop_user_id AND w.completed_at IS NOT NULL
                    AND w.video_id IN (SELECT id FROM ready)) AS completed,
                (SELECT count(*) FROM ready) AS total
           FROM students s
          WHERE s.creator_id = :creatorId AND s.id > :afterId
          ORDER BY s.id LIMIT :limit`,
        { replacements: { creatorId, afterId, limit }, type: QueryTypes.SELECT },
      );
      return rows.map((row) => ({
        id: row.id,
        whopUserId: row.whop_user_id,
        username: row.username,
        status: row.status,
        joinedAt: new Date(row.joined_at),
        progress: { completedVideos: Number(row.completed), totalVideos: Number(row.total) },
      }));
    },
  };
}

export type ApiStudentsQuery = ReturnType<typeof createApiStudentsQuery>;
