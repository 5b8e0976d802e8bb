/**
 * Usage against the tier limits: what a creator uses (videos and storage from the counters the
 * `videos` trigger keeps; upload reservations are checked by the upload endpoint), and AI
 * credits, spent by one conditional upsert that never passes the limit.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { LimitExceededError } from '../../domain/limit-errors.ts';
import { TIER_TABLE, type Tier } from '../../domain/tier-table.ts';
import type { PlansService } from '../tiers/plans-service.ts';

export interface Usage {
  videos: number;
  storageBytes: number;
  aiCredits: number;
  students: number;
}

/** The first day of the current calendar month in UTC, `YYYY-MM-01`. */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/**
 * What counts against the limits (videos and storage: the creator's counters, kept by a trigger on
 * `videos` over the rows not `failed`, reservations included), as SQL select-list columns (`"usage.videos"`,
 * `"usage.storage"`, `"usage.students"`, `"usage.credits"`) for the creator and month given as SQL expressions
 * written in code (a column, a placeholder): the one definition, for this service and for any
 * statement that reads usage along with more (the dashboard's). `usageFromRow` reads them back.
 */
/** The UTC day of `date`, `YYYY-MM-DD`. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first day of the next UTC month, when this month's AI credits start again. */
export function nextCreditReset(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}

/** AI credits used on one UTC day. */
export interface CreditDay {
  day: string;
  used: number;
}

export function usageColumns(creatorId: string, month: string): string {
  return `(SELECT video_count FROM creators WHERE id = ${creatorId}) AS "usage.videos",
    (SELECT storage_bytes FROM creators WHERE id = ${creatorId}) AS "usage.storage",
    (SELECT count(*) FROM students WHERE creator_id = ${creatorId} AND status = 'active') AS "usage.students",
    (SELECT ai_credits_used FROM usage_metrics WHERE creator_id = ${creatorId} AND month = ${month}) 
      AS "usage.credits"`;
}

/**
 * A column `days`: the AI credits used per UTC day of the month starting on `month` (a SQL date
 * expression), oldest first, as a JSON array of `CreditDay`; days without use are left out.
 */
export function creditDaysColumn(creatorId: string, month: string): string {
  return `(SELECT coalesce(
            json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 'used', used) ORDER BY day), '[]')
      FROM ai_credit_days WHERE creator_id = ${creatorId}
        AND day >= CAST(${month} AS date) AND day < CAST(${month} AS date) + interval '1 month') AS days`;
}

export function usageFromRow(row: Record<string, unknown> | undefined): Usage {
  const number = (key: string) => Number(row?.[`usage.${key}`] ?? 0);
  return {
    videos: number('videos'),
    storageBytes: number('storage'),
    students: number('students'),
    aiCredits: number('credits'),
  };
}

export function createUsageService(deps: {
  sequelize: Sequelize;
  plans: Pick<PlansService, 'upgradeUrl'>;
  now?: () => Date;
}) {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async usage(creatorId: number): Promise<Usage> {
      const [row] = await sequelize.query<Record<string, unknown>>(`SELECT ${usageColumns(':id', ':month')}`, {
        replacements: { id: creatorId, month: monthOf(now()) },
        type: QueryTypes.SELECT,
      });
      return usageFromRow(row);
    },

    /** The AI credits used per UTC day of the current month, oldest first; days without use are left out. */
    async creditsByDay(creatorId: number): Promise<CreditDay[]> {
      const [row] = await sequelize.query<{ days: CreditDay[] }>(`SELECT ${creditDaysColumn(':creatorId', ':month')}`, {
        replacements: { creatorId, month: monthOf(now()) },
        type: QueryTypes.SELECT,
      });
      return row?.days ?? [];
    },

    /**
     * Spends AI credits of the current UTC month in one statement; refuses what would pass the
     * limit. The day's row in `ai_credit_days` is added to by the same statement, and only when
     * the month's debit went through, so the days always sum to the month.
     */
    async spendAiCredits(
      creatorId: number,
      tier: Tier,
      amount: number,
    ): Promise<{ used: number; limit: number | null; remaining: number | null }> {
      const limit = TIER_TABLE[tier].limits.aiCredits;
      const refuse = () => new LimitExceededError('ai_credits', tier, deps.plans.upgradeUrl(tier), limit ?? 0);
      if (limit !== null && amount > limit) throw refuse();
      const at = now();
      const rows = await sequelize.query<{ used: number }>(
        `WITH month AS (
           INSERT INTO usage_metrics (creator_id, month, ai_credits_used) VALUES (:creatorId, :month, :amount)
           ON CONFLICT (creator_id, month) DO UPDATE
             SET ai_credits_used = usage_metrics.ai_credits_used + EXCLUDED.ai_credits_used, updated_at = now()
             ${limit === null ? '' : 'WHERE usage_metrics.ai_credits_used + EXCLUDED.ai_credits_used <= :limit'}
           RETURNING ai_credits_used
         ), day AS (
           INSERT INTO ai_credit_days (creator_id, day, used) SELECT :creatorId, :day, :amount FROM month
           ON CONFLICT (creator_id, day) DO UPDATE SET used = ai_credit_days.used + EXCLUDED.used
         )
         SELECT ai_credits_used AS used FROM month`,
        {
          replacements: { creatorId, month: monthOf(at), day: dayOf(at), amount, limit },
          type: QueryTypes.SELECT,
        },
      );
      const used = rows[0]?.used;
      if (used === undefined) throw refuse();
      return { used, limit, remaining: limit === null ? null : limit - used };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
