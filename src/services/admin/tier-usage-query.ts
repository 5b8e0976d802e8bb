/**
 * The SQL behind the admin tier overview (tier-overview-service.ts) and its rows mapped to
 * numbers: creators and students per tier, the creators nearest their limits, and one sorted
 * page of the creators table. Each is one aggregate query over the per-creator usage
 * (CREATOR_USAGE), whatever the number of creators.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  TIER_TABLE,
  TIERS,
  tierDefinition,
  type LimitName,
  type Tier,
  type TierLimits,
} from '../../domain/tier-table.ts';
import { CREATORS_PER_PAGE, orderByClause, type CreatorListQuery } from './creator-list-query.ts';

export interface TierSummary {
  tier: Tier;
  name: string;
  limits: TierLimits;
  creators: number;
  activeStudents: number;
  overLimitStudents: number;
  videos: number;
  storageBytes: number;
  aiCredits: number;
}

export interface NearLimit {
  creatorId: number;
  whopCompanyId: string;
  companyName: string | null;
  tier: Tier;
  /** The limit this creator is closest to (the highest used/limit ratio). */
  limit: LimitName;
  used: number;
  max: number;
  /** used / max: 1 means at the limit. */
  ratio: number;
}

export interface CreatorOverviewRow {
  id: number;
  whopCompanyId: string;
  companyName: string | null;
  ownerUsername: string | null;
  tier: Tier;
  videos: number;
  storageBytes: number;
  aiCredits: number;
  activeStudents: number;
  overLimitStudents: number;
  createdAt: Date;
}

export interface CreatorPage extends CreatorListQuery {
  rows: CreatorOverviewRow[];
  total: number;
  pages: number;
  perPage: number;
}

/** One row per creator with its usage; the other queries read from it. */
const CREATOR_USAGE = `creator_usage AS (
  SELECT c.id, c.whop_company_id, c.company_name, c.tier, c.created_at, u.username AS owner_username,
         coalesce(v.videos, 0) AS videos, coalesce(v.storage_bytes, 0) AS storage_bytes,
         coalesce(m.ai_credits_used, 0) AS ai_credits,
         coalesce(s.active_students, 0) AS active_students, coalesce(s.over_limit_students, 0) AS over_limit_students
    FROM creators c
    LEFT JOIN users u ON u.id = c.owner_user_id
    LEFT JOIN (SELECT creator_id, count(*) AS videos, sum(size_bytes) AS storage_bytes
                 FROM videos GROUP BY creator_id) v ON v.creator_id = c.id
    LEFT JOIN (SELECT creator_id, count(*) FILTER (WHERE status = 'active') AS active_students,
                      count(*) FILTER (WHERE status = 'over_limit') AS over_limit_students
                 FROM students GROUP BY creator_id) s ON s.creator_id = c.id
    LEFT JOIN usage_metrics m ON m.creator_id = c.id AND m.month = CAST(:month AS date)
)`;

type Numeric = string | number | null;

interface TierRow {
  tier: Tier;
  creators: Numeric;
  active_students: Numeric;
  over_limit_students: Numeric;
  videos: Numeric;
  storage_bytes: Numeric;
  ai_credits: Numeric;
}

interface CreatorUsageRow {
  id: number;
  whop_company_id: string;
  company_name: string | null;
  owner_username: string | null;
  tier: Tier;
  created_at: Date | string;
  videos: Numeric;
  storage_bytes: Numeric;
  ai_credits: Numeric;
  active_students: Numeric;
  over_limit_students: Numeric;
}

interface NearLimitRow {
  id: number;
  whop_company_id: string;
  company_name: string | null;
  tier: Tier;
  limit_name: LimitName;
  used: Numeric;
  max: Numeric;
  ratio: Numeric;
}

const num = (value: Numeric | undefined) => Number(value ?? 0);

/**
 * The limits of each tier that has any, as a VALUES list with named replacements (never
 * literal numbers), so the database can compare usage with them. Unlimited tiers are left
 * out, and so never appear among the creators nearest their limits.
 */
function limitsValues(): { sql: string; replacements: Record<string, string | number | null> } | null {
  const limited = TIERS.filter((tier) => Object.values(TIER_TABLE[tier].limits).some((limit) => limit !== null));
  if (limited.length === 0) return null;
  const replacements: Record<string, string | number | null> = {};
  const rows = limited.map((tier, i) => {
    const { videos, storageBytes, aiCredits, students } = tierDefinition(tier).limits;
    Object.assign(replacements, {
      [`tier${i}`]: tier,
      [`videos${i}`]: videos,
      [`storage${i}`]: storageBytes,
      [`credits${i}`]: aiCredits,
      [`students${i}`]: students,
    });
    return (
      `(CAST(:tier${i} AS text), CAST(:videos${i} AS numeric), CAST(:storage${i} AS numeric), ` +
      `CAST(:credits${i} AS numeric), CAST(:students${i} AS numeric))`
    );
  });
  return { sql: `VALUES ${rows.join(', ')}`, replacements };
}

export function createTierUsageQuery(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;

  async function perTier(month: string): Promise<TierSummary[]> {
    const rows = await sequelize.query<TierRow>(
      `WITH ${CREATOR_USAGE}
       SELECT tier, count(*) AS creators, sum(active_students) AS active_students,
         sum(over_limit_students) AS over_limit_students,
              sum(videos) AS videos, sum(storage_bytes) AS storage_bytes, sum(ai_credits) AS ai_credits
         FROM creator_usage GROUP BY tier`,
      { replacements: { month }, type: QueryTypes.SELECT },
    );
    const byTier = new Map(rows.map((row) => [row.tier, row]));
    return TIERS.map((tier) => {
      const row = byTier.get(tier);
      return {
        tier,
        name: tierDefinition(tier).name,
        limits: tierDefinition(tier).limits,
        creators: num(row?.creators),
        activeStudents: num(row?.active_students),
        overLimitStudents: num(row?.over_limit_students),
        videos: num(row?.videos),
        storageBytes: num(row?.storage_bytes),
        aiCredits: num(row?.ai_credits),
      };
    });
  }

  async function nearestLimits(month: string, top: number): Promise<NearLimit[]> {
    const limits = limitsValues();
    if (!limits) return [];
    const rows = await sequelize.query<NearLimitRow>(
      `WITH ${CREATOR_USAGE},
       tier_limits (tier, videos, storage_bytes, ai_credits, students) AS (${limits.sql}),
       closest AS (
         SELECT cu.id, cu.whop_company_id, cu.company_name, cu.tier, worst.limit_name, worst.used, worst.max,
           worst.used / worst.max AS ratio
           FROM creator_usage cu
           JOIN tier_limits l ON l.tier = cu.tier
           CROSS JOIN LATERAL (
             SELECT x.limit_name, x.used, x.max
               FROM (VALUES (1, 'videos', CAST(cu.videos AS numeric), l.videos),
                            (2, 'storage', CAST(cu.storage_bytes AS numeric), l.storage_bytes),
                            (3, 'ai_credits', CAST(cu.ai_credits AS numeric), l.ai_credits),
                            (4, 'students', CAST(cu.active_students AS numeric), l.students)) AS x (position,
                              limit_name, used, max)
              WHERE x.max > 0
              ORDER BY x.used / x.max DESC, x.position
              LIMIT 1
           ) worst
       )
       SELECT * FROM closest WHERE ratio > 0 ORDER BY ratio DESC, id ASC LIMIT :top`,
      { replacements: { month, top, ...limits.replacements }, type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({
      creatorId: row.id,
      whopCompanyId: row.whop_company_id,
      companyName: row.company_name,
      tier: row.tier,
      limit: row.limit_name,
      used: num(row.used),
      max: num(row.max),
      ratio: num(row.ratio),
    }));
  }

  async function creatorPage(month: string, query: CreatorListQuery, total: number): Promise<CreatorPage> {
    const pages = Math.max(1, Math.ceil(total / CREATORS_PER_PAGE));
    const page = Math.min(Math.max(1, query.page), pages);
    const rows = await sequelize.query<CreatorUsageRow>(
      `WITH ${CREATOR_USAGE}
       SELECT * FROM creator_usage ORDER BY ${orderByClause(query)} LIMIT :limit OFFSET :offset`,
      {
        replacements: { month, limit: CREATORS_PER_PAGE, offset: (page - 1) * CREATORS_PER_PAGE },
        type: QueryTypes.SELECT,
      },
    );
    return {
      sort: query.sort,
      dir: query.dir,
      page,
      pages,
      total,
      perPage: CREATORS_PER_PAGE,
      rows: rows.map((row) => ({
        id: row.id,
        whopCompanyId: row.whop_company_id,
        companyName: row.company_name,
        ownerUsername: row.owner_username,
        tier: row.tier,
        videos: num(row.videos),
        storageBytes: num(row.storage_bytes),
        aiCredits: num(row.ai_credits),
        activeStudents: num(row.active_students),
        overLimitStudents: num(row.over_limit_students),
        createdAt: new Date(row.created_at),
      })),
    };
  }

  return { perTier, nearestLimits, creatorPage };
}
