/**
 * Everything the creator dashboard shows, read in one statement: usage this month, the students
 * by status, one page of students and the latest videos. The dashboard is the page creators open
 * most; one round trip instead of seven, straight through the driver (hot-read.ts), keeps it
 * fast (see `npm run bench -- dashboard`).
 */
import type { Sequelize } from 'sequelize';
import { hotRead, sqlInteger, sqlString } from '../db/hot-read.ts';
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

/** The statement, with each value already made SQL-safe by sqlInteger / sqlString. */
function dashboardSql(v: { id: string; month: string; limit: string; offset: string; videoLimit: string }): string {
  return `
  SELECT
    (SELECT count(*) FROM videos WHERE creator_id = ${v.id}) AS "videoCount",
    (SELECT coalesce(sum(size_bytes), 0) FROM videos WHERE creator_id = ${v.id}) AS "storageBytes",
    (SELECT ai_credits_used FROM usage_metrics WHERE creator_id = ${v.id} AND month = ${v.month}) AS "aiCredits",
    (SELECT json_object_agg(status, n) FROM
      (SELECT status, count(*) AS n FROM students WHERE creator_id = ${v.id} GROUP BY status) counts) AS "statusCounts",
    (SELECT coalesce(json_agg(page ORDER BY page.status, page."joinedAt", page.id), '[]') FROM
      (SELECT id, username, whop_user_id AS "whopUserId", status, membership_status AS "membershipStatus", joined_at AS "joinedAt"
         FROM students WHERE creator_id = ${v.id} AND status <> 'archived'
         ORDER BY status, joined_at, id LIMIT ${v.limit} OFFSET ${v.offset}) page) AS students,
    (SELECT coalesce(json_agg(latest ORDER BY latest."createdAt" DESC, latest.id DESC), '[]') FROM
      (SELECT id, title, size_bytes AS "sizeBytes", duration_seconds AS "durationSeconds", created_at AS "createdAt"
         FROM videos WHERE creator_id = ${v.id}
         ORDER BY created_at DESC, id DESC LIMIT ${v.videoLimit}) latest) AS videos`;
}

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
      const sql = dashboardSql({
        id: sqlInteger(creatorId),
        month: sqlString(deps.sequelize, monthOf(now())),
        limit: sqlInteger(options.pageSize),
        offset: sqlInteger((options.page - 1) * options.pageSize),
        videoLimit: sqlInteger(options.videoLimit ?? 100),
      });
      const [row] = await hotRead<Row>(deps.sequelize, sql);
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
