/**
 * A creator's usage over time, for the analytics page, in UTC: per week (weeks start on
 * Monday, the current week and the 11 before it) the videos added, the storage they take in
 * total by the week's end, and the students who joined; per calendar month (the current one
 * and the 11 before it) the AI credits used. Periods without activity are 0, never missing.
 */
import { QueryTypes, type Sequelize } from 'sequelize';

export const ANALYTICS_WEEKS = 12;
export const ANALYTICS_MONTHS = 12;

export interface WeekActivity {
  /** The week's Monday, `YYYY-MM-DD` (UTC). */
  weekStart: string;
  videosAdded: number;
  bytesAdded: number;
  /** Storage of all the creator's videos added up to the end of this week. */
  storageBytes: number;
  studentsJoined: number;
}

export interface MonthCredits {
  /** The month's first day, `YYYY-MM-01`. */
  month: string;
  aiCredits: number;
}

export interface CreatorAnalytics {
  weeks: WeekActivity[];
  months: MonthCredits[];
  totals: { videosAdded: number; bytesAdded: number; studentsJoined: number; aiCredits: number; storageBytes: number };
}

type Numeric = string | number | null;

interface WeekRow {
  week_start: string;
  videos_added: Numeric;
  bytes_added: Numeric;
  storage_bytes: Numeric;
  students_joined: Numeric;
}

const num = (value: Numeric | undefined) => Number(value ?? 0);

export function createAnalyticsService(deps: { sequelize: Sequelize; now?: () => Date }) {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());

  /** Timestamps are read `AT TIME ZONE 'UTC'`, so the buckets do not depend on the session's time zone. */
  async function weeks(creatorId: number, at: Date): Promise<WeekActivity[]> {
    const rows = await sequelize.query<WeekRow>(
      `WITH bounds AS (
         SELECT date_trunc('week', CAST(:now AS timestamptz) AT TIME ZONE 'UTC') AS this_week
       ),
       weeks AS (
         SELECT generate_series(this_week - CAST(:span AS interval), this_week, interval '1 week') AS week_start
           FROM bounds
       ),
       added AS (
         SELECT date_trunc('week', created_at AT TIME ZONE 'UTC') AS week_start, count(*) AS videos,
           sum(size_bytes) AS bytes
           FROM videos
          WHERE creator_id = :creatorId AND created_at AT TIME ZONE 'UTC' >= (SELECT min(week_start) FROM weeks)
          GROUP BY 1
       ),
       earlier AS (
         SELECT coalesce(sum(size_bytes), 0) AS bytes
           FROM videos
          WHERE creator_id = :creatorId AND created_at AT TIME ZONE 'UTC' < (SELECT min(week_start) FROM weeks)
       ),
       joined AS (
         SELECT date_trunc('week', joined_at AT TIME ZONE 'UTC') AS week_start, count(*) AS students
           FROM students
          WHERE creator_id = :creatorId AND joined_at AT TIME ZONE 'UTC' >= (SELECT min(week_start) FROM weeks)
          GROUP BY 1
       )
       SELECT to_char(w.week_start, 'YYYY-MM-DD') AS week_start,
              coalesce(a.videos, 0) AS videos_added,
              coalesce(a.bytes, 0) AS bytes_added,
              (SELECT bytes FROM earlier) + sum(coalesce(a.bytes, 0)) OVER (ORDER BY w.week_start) AS storage_bytes,
              coalesce(j.students, 0) AS students_joined
         FROM weeks w
         LEFT JOIN added a ON a.week_start = w.week_start
         LEFT JOIN joined j ON j.week_start = w.week_start
        ORDER BY w.week_start`,
      {
        replacements: { now: at.toISOString(), span: `${ANALYTICS_WEEKS - 1} weeks`, creatorId },
        type: QueryTypes.SELECT,
      },
    );
    return rows.map((row) => ({
      weekStart: row.week_start,
      videosAdded: num(row.videos_added),
      bytesAdded: num(row.bytes_added),
      storageBytes: num(row.storage_bytes),
      studentsJoined: num(row.students_joined),
    }));
  }

  async function months(creatorId: number, at: Date): Promise<MonthCredits[]> {
    const rows = await sequelize.query<{ month: string; ai_credits: Numeric }>(
      `WITH months AS (
         SELECT CAST(generate_series(this_month - CAST(:span AS interval), this_month,
           interval '1 month') AS date) AS month
           FROM (SELECT date_trunc('month', CAST(:now AS timestamptz) AT TIME ZONE 'UTC') AS this_month) bounds
       )
       SELECT to_char(m.month, 'YYYY-MM-DD') AS month, coalesce(u.ai_credits_used, 0) AS ai_credits
         FROM months m
         LEFT JOIN usage_metrics u ON u.creator_id = :creatorId AND u.month = m.month
        ORDER BY m.month`,
      {
        replacements: { now: at.toISOString(), span: `${ANALYTICS_MONTHS - 1} months`, creatorId },
        type: QueryTypes.SELECT,
      },
    );
    return rows.map((row) => ({ month: row.month, aiCredits: num(row.ai_credits) }));
  }

  return {
    async forCreator(creatorId: number): Promise<CreatorAnalytics> {
      const at = now();
      const [weekly, monthly] = await Promise.all([weeks(creatorId, at), months(creatorId, at)]);
      const sum = <T>(items: readonly T[], pick: (item: T) => number) =>
        items.reduce((total, item) => total + pick(item), 0);
      return {
        weeks: weekly,
        months: monthly,
        totals: {
          videosAdded: sum(weekly, (w) => w.videosAdded),
          bytesAdded: sum(weekly, (w) => w.bytesAdded),
          studentsJoined: sum(weekly, (w) => w.studentsJoined),
          aiCredits: sum(monthly, (m) => m.aiCredits),
          storageBytes: weekly.at(-1)?.storageBytes ?? 0,
        },
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
