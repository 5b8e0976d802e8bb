/**
 * Everything the creator dashboard shows, read in one statement: usage this month, the students
 * by status, one page of students and the latest videos. The dashboard is the page creators open
 * most; one round trip instead of seven keeps it fast (see `npm run bench -- dashboard`).
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { StudentStatus } from '../models/student-model.ts';
import { monthOf, type Usage } from './usage/usage-service.ts';

export interface DashboardStudent {
  username: string | null;
  whopUserId: string;
  status: StudentStatus;
  membershipStatus: string | null;
  joinedAt: Date;
}

export interface DashboardVideo {
  title: string;
  sizeBytes: number;
  durationSeconds: number;
  createdAt: Date;
}

export interface CreatorDashboard {
  usage: Usage;
  /** Students of each status (archived included). */
  statusCounts: Partial<Record<StudentStatus, number>>;
  /** One page of the students that are not archived, and how many there are. */
  students: { students: DashboardStudent[]; total: number; pages: number };
  /** The newest videos first. */
  videos: DashboardVideo[];
}

const SQL = `
  SELECT
    (SELECT count(*) FROM videos WHERE creator_id = :id) AS "videoCount",
    (SELECT coalesce(sum(size_bytes), 0) FROM videos WHERE creator_id = :id) AS "storageBytes",
    (SELECT ai_credits_used FROM usage_metrics WHERE creator_id = :id AND month = :month) AS "aiCredits",
    (SELECT json_object_agg(status, n) FROM
      (SELECT status, count(*) AS n FROM students WHERE creator_id = :id GROUP BY status) counts) AS "statusCounts",
    (SELECT coalesce(json_agg(page ORDER BY page.status, page."joinedAt", page.id), '[]') FROM
      (SELECT id, username, whop_user_id AS "whopUserId", status, membership_status AS "membershipStatus", joined_at AS "joinedAt"
         FROM students WHERE creator_id = :id AND status <> 'archived'
         ORDER BY status, joined_at, id LIMIT :limit OFFSET :offset) page) AS students,
    (SELECT coalesce(json_agg(latest ORDER BY latest."createdAt" DESC, latest.id DESC), '[]') FROM
      (SELECT id, title, size_bytes AS "sizeBytes", duration_seconds AS "durationSeconds", created_at AS "createdAt"
         FROM videos WHERE creator_id = :id
         ORDER BY created_at DESC, id DESC LIMIT :videoLimit) latest) AS videos`;

interface Row {
  videoCount: string;
  storageBytes: string;
  aiCredits: number | null;
  statusCounts: Partial<Record<StudentStatus, number>> | null;
  students: (Omit<DashboardStudent, 'joinedAt'> & { joinedAt: string })[];
  videos: (Omit<DashboardVideo, 'createdAt'> & { createdAt: string })[];
}

export function createCreatorDashboardQuery(deps: { sequelize: Sequelize; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async read(creatorId: number, options: { page: number; pageSize: number; videoLimit?: number }): Promise<CreatorDashboard> {
      const [row] = await deps.sequelize.query<Row>(SQL, {
        replacements: { id: creatorId, month: monthOf(now()), limit: options.pageSize, offset: (options.page - 1) * options.pageSize, videoLimit: options.videoLimit ?? 100 },
        type: QueryTypes.SELECT,
      });
      if (!row) throw new Error('the dashboard query returned no row');
      const statusCounts = row.statusCounts ?? {};
      const total = Object.entries(statusCounts).reduce((sum, [status, n]) => (status === 'archived' ? sum : sum + n), 0);
      return {
        usage: { videos: Number(row.videoCount), storageBytes: Number(row.storageBytes), aiCredits: row.aiCredits ?? 0, students: statusCounts.active ?? 0 },
        statusCounts,
        students: {
          students: row.students.map(({ username, whopUserId, status, membershipStatus, joinedAt }) => ({ username, whopUserId, status, membershipStatus, joinedAt: new Date(joinedAt) })),
          total,
          pages: Math.max(1, Math.ceil(total / options.pageSize)),
        },
        videos: row.videos.map(({ title, sizeBytes, durationSeconds, createdAt }) => ({ title, sizeBytes: Number(sizeBytes), durationSeconds, createdAt: new Date(createdAt) })),
      };
    },
  };
}

export type CreatorDashboardQuery = ReturnType<typeof createCreatorDashboardQuery>;
