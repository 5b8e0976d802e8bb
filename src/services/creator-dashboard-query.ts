/**
 * Everything the creator dashboard shows, read in one statement: usage this month, the AI
 * credits used per day this month, the students by status, one page of students and the latest
 * videos. The dashboard is the page creators open
 * most; one round trip instead of seven, a prepared statement (db/prepared-reads.ts), keeps it fast (see
 * `npm run bench -- dashboard`).
 */
import { preparedStatement, type PreparedReads } from '../db/prepared-reads.ts';
import type { StudentStatus } from '../models/student-model.ts';
import {
  creditDaysColumn,
  monthOf,
  usageColumns,
  usageFromRow,
  type CreditDay,
  type Usage,
} from './usage/usage-service.ts';

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
  /** The AI credits used per UTC day this month, oldest first; days without use are left out. */
  creditDays: CreditDay[];
  /** Students of each status (archived included). */
  statusCounts: Partial<Record<StudentStatus, number>>;
  /** One page of the students that are not archived, and how many there are. */
  students: { students: DashboardStudent[]; total: number; pages: number };
  /** The newest videos first. */
  videos: DashboardVideo[];
}

/**
 * The dashboard of creator $1 (`c.id`), in one row. Parameters: $1 the creator's id, $2 the
 * month, $3 the page size, $4 the page's offset, $5 how many videos.
 */
const DASHBOARD_STATEMENT = preparedStatement(
  'chronos_creator_dashboard',
  `SELECT
    ${usageColumns('c.id', '$2::date')},
    ${creditDaysColumn('c.id', '$2::date')},
    (SELECT json_object_agg(status, n) FROM
      (SELECT status, count(*) AS n FROM students WHERE creator_id = c.id GROUP BY status) counts) AS "statusCounts",
    (SELECT coalesce(json_agg(page ORDER BY page.status, page."joinedAt", page.id), '[]') FROM
      (SELECT id, username, whop_user_id AS "whopUserId", status, membership_status AS "membershipStatus",
        joined_at AS "joinedAt"
         FROM students WHERE creator_id = c.id AND status <> 'archived'
         ORDER BY status, joined_at, id LIMIT $3::integer OFFSET $4::integer) page) AS students,
    (SELECT coalesce(json_agg(latest ORDER BY latest."createdAt" DESC, latest.id DESC), '[]') FROM
      (SELECT id, title, size_bytes AS "sizeBytes", duration_seconds AS "durationSeconds", created_at AS "createdAt"
         FROM videos WHERE creator_id = c.id
         ORDER BY created_at DESC, id DESC LIMIT $5::integer) latest) AS videos
  FROM (SELECT $1::integer AS id) c`,
);

/** The dashboard's own columns (the usage columns are read by `usageFromRow`). */
interface Row {
  days: CreditDay[];
  statusCounts: Partial<Record<StudentStatus, number>> | null;
  students: (Omit<DashboardStudent, 'joinedAt'> & { joinedAt: string })[];
  videos: (Omit<DashboardVideo, 'createdAt'> & { createdAt: string })[];
}

export interface DashboardOptions {
  page: number;
  pageSize: number;
  videoLimit?: number;
}

/** The dashboard from its row. */
function dashboardFrom(columns: Record<string, unknown>, options: DashboardOptions): CreatorDashboard {
  const row = columns as unknown as Row;
  const statusCounts = row.statusCounts ?? {};
  const total = Object.entries(statusCounts).reduce((sum, [status, n]) => (status === 'archived' ? sum : sum + n), 0);
  return {
    usage: usageFromRow(columns),
    creditDays: row.days,
    statusCounts,
    students: {
      students: row.students.map(({ username, whopUserId, status, membershipStatus, joinedAt }) => ({
        username,
        whopUserId,
        status,
        membershipStatus,
        joinedAt: new Date(joinedAt),
      })),
      total,
      pages: Math.max(1, Math.ceil(total / options.pageSize)),
    },
    videos: row.videos.map(({ title, sizeBytes, durationSeconds, createdAt }) => ({
      title,
      sizeBytes: Number(sizeBytes),
      durationSeconds,
      createdAt: new Date(createdAt),
    })),
  };
}

export function createCreatorDashboardQuery(deps: { reads: PreparedReads; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  return {
    async read(creatorId: number, options: DashboardOptions): Promise<CreatorDashboard> {
      const bind = [
        creatorId,
        monthOf(now()),
        options.pageSize,
        (options.page - 1) * options.pageSize,
        options.videoLimit ?? 100,
      ];
      const [row] = await deps.reads.read<Record<string, unknown>>(DASHBOARD_STATEMENT, bind);
      if (!row) throw new Error('the dashboard query returned no row');
      return dashboardFrom(row, options);
    },
  };
}

export type CreatorDashboardQuery = ReturnType<typeof createCreatorDashboardQuery>;
