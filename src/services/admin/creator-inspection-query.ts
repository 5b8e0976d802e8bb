/**
 * Creators as an admin inspects them: those whose Chronos plan is past due or in a grace
 * period, and one creator in full (plan, tier, billing, usage, students, connection).
 * A creator is on the past-due list while their billing status is `past_due` or their grace
 * period has not ended yet (`grace_period_ends_at` after now); at the instant it ends, they are off.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Tier } from '../../domain/tier-table.ts';

export interface PastDueCreator {
  id: number;
  name: string;
  whopCompanyId: string;
  owner: string | null;
  tier: Tier;
  billingStatus: string;
  gracePeriodEndsAt: Date | null;
}

export interface CreatorDetail extends PastDueCreator {
  ownerWhopUserId: string | null;
  tierSourceMembershipId: string | null;
  tierRenewsAt: Date | null;
  tierCancelAtPeriodEnd: boolean;
  tierUpdatedAt: Date | null;
  connection: string;
  disconnectedAt: Date | null;
  ownerAccess: string;
  ownerAccessCheckedAt: Date | null;
  createdAt: Date;
  videos: number;
  storageBytes: number;
  aiCredits: number;
  students: Record<'active' | 'over_limit' | 'inactive' | 'archived', number>;
}

interface CreatorRow {
  id: number;
  whop_company_id: string;
  company_name: string | null;
  owner: string | null;
  owner_whop_user_id: string | null;
  tier: Tier;
  billing_status: string;
  grace_period_ends_at: Date | null;
}

const date = (value: Date | string | null): Date | null => (value ? new Date(value) : null);

const toPastDue = (r: CreatorRow): PastDueCreator => ({
  id: r.id,
  name: r.company_name ?? r.whop_company_id,
  whopCompanyId: r.whop_company_id,
  owner: r.owner,
  tier: r.tier,
  billingStatus: r.billing_status,
  gracePeriodEndsAt: date(r.grace_period_ends_at),
});

export function createCreatorInspectionQuery(deps: { sequelize: Sequelize; now?: () => number }) {
  const { sequelize } = deps;
  const now = deps.now ?? Date.now;
  return {
    /** Creators past due or in a grace period, the soonest grace end first. */
    async pastDue(): Promise<PastDueCreator[]> {
      const rows = await sequelize.query<CreatorRow>(
        `SELECT c.id, c.whop_company_id, c.company_name, coalesce(u.name, u.username) AS owner,
                u.whop_user_id AS owner_whop_user_id,
                c.tier, c.billing_status, c.grace_period_ends_at
           FROM creators c LEFT JOIN users u ON u.id = c.owner_user_id
          WHERE c.billing_status = 'past_due' OR c.grace_period_ends_at > :now
          ORDER BY c.grace_period_ends_at ASC NULLS LAST, c.id`,
        { replacements: { now: new Date(now()) }, type: QueryTypes.SELECT },
      );
      return rows.map(toPastDue);
    },

    async detail(id: number, month: string): Promise<CreatorDetail | null> {
      const [row] = await sequelize.query<
        CreatorRow & {
          tier_source_membership_id: string | null;
          tier_renews_at: Date | null;
          tier_cancel_at_period_end: boolean;
          tier_updated_at: Date | null;
          connection: string;
          disconnected_at: Date | null;
          owner_access: string;
          owner_access_checked_at: Date | null;
          created_at: Date;
          videos: number;
          storage_bytes: string | number;
          ai_credits: number;
          students: Record<string, number> | null;
        }
      >(
        `SELECT c.id, c.whop_company_id, c.company_name, coalesce(u.name, u.username) AS owner,
                u.whop_user_id AS owner_whop_user_id,
                c.tier, c.billing_status, c.grace_period_ends_at, c.tier_source_membership_id, c.tier_renews_at,
                c.tier_cancel_at_period_end, c.tier_updated_at, c.connection, c.disconnected_at, c.owner_access,
                c.owner_access_checked_at, c.created_at,
                (SELECT count(*)::int FROM videos v WHERE v.creator_id = c.id) AS videos,
                (SELECT coalesce(sum(size_bytes), 0) FROM videos v WHERE v.creator_id = c.id) AS storage_bytes,
                coalesce((SELECT ai_credits_used FROM usage_metrics m WHERE m.creator_id = c.id
                  AND m.month = CAST(:month AS date)), 0)::int AS ai_credits,
                (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM students s
                  WHERE s.creator_id = c.id GROUP BY status) x) AS students
           FROM creators c LEFT JOIN users u ON u.id = c.owner_user_id
          WHERE c.id = :id`,
        { replacements: { id, month }, type: QueryTypes.SELECT },
      );
      if (!row) return null;
      const students = row.students ?? {};
      return {
        ...toPastDue(row),
        ownerWhopUserId: row.owner_whop_user_id,
        tierSourceMembershipId: row.tier_source_membership_id,
        tierRenewsAt: date(row.tier_renews_at),
        tierCancelAtPeriodEnd: row.tier_cancel_at_period_end,
        tierUpdatedAt: date(row.tier_updated_at),
        connection: row.connection,
        disconnectedAt: date(row.disconnected_at),
        ownerAccess: row.owner_access,
        ownerAccessCheckedAt: date(row.owner_access_checked_at),
        createdAt: new Date(row.created_at),
        videos: row.videos,
        storageBytes: Number(row.storage_bytes),
        aiCredits: row.ai_credits,
        students: {
          active: students.active ?? 0,
          over_limit: students.over_limit ?? 0,
          inactive: students.inactive ?? 0,
          archived: students.archived ?? 0,
        },
      };
    },
  };
}

export type CreatorInspectionQuery = ReturnType<typeof createCreatorInspectionQuery>;
