/**
 * The numbers behind the admin tier overview, read with aggregate SQL (a fixed number of
 * queries, whatever the number of creators): creators and students per tier, usage totals,
 * the creators nearest their limits, and one sorted page of the creators table. Limits come
 * from the tier table; "this month" is the current calendar month in UTC. Besides (`finances`):
 * revenue per currency net of refunds, and the open disputes. Its SQL is in tier-usage-query.ts.
 */
import type { Sequelize } from 'sequelize';
import { monthOf } from '../usage/usage-service.ts';
import { createFinancesQuery } from './finances-query.ts';
import { DEFAULT_CREATOR_SORT, defaultDirection, type CreatorListQuery } from './creator-list-query.ts';
import { createTierUsageQuery, type CreatorPage, type NearLimit, type TierSummary } from './tier-usage-query.ts';

export type { CreatorOverviewRow, CreatorPage, NearLimit, TierSummary } from './tier-usage-query.ts';

export interface UsageTotals {
  creators: number;
  /** Creators on any tier but free. */
  paidCreators: number;
  videos: number;
  storageBytes: number;
  /** AI credits used this calendar month (UTC), all creators together. */
  aiCredits: number;
  activeStudents: number;
  overLimitStudents: number;
}

export interface TierOverview {
  /** The month the AI credits count, `YYYY-MM-01` (UTC). */
  month: string;
  perTier: TierSummary[];
  totals: UsageTotals;
  nearestLimits: NearLimit[];
  creators: CreatorPage;
}

export const NEAREST_LIMITS_SHOWN = 10;

export function createTierOverviewService(deps: { sequelize: Sequelize; now?: () => Date }) {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());
  const { perTier, nearestLimits, creatorPage } = createTierUsageQuery({ sequelize });

  return {
    finances: createFinancesQuery({ sequelize, now }),
    /** Everything the overview page shows; `query` picks the page and order of the creators table. */
    async overview(query: Partial<CreatorListQuery> = {}): Promise<TierOverview> {
      const month = monthOf(now());
      const sort = query.sort ?? DEFAULT_CREATOR_SORT;
      const list: CreatorListQuery = { sort, dir: query.dir ?? defaultDirection(sort), page: query.page ?? 1 };
      const tiers = await perTier(month);
      const totals = totalsOf(tiers);
      const [nearest, creators] = await Promise.all([
        nearestLimits(month, NEAREST_LIMITS_SHOWN),
        creatorPage(month, list, totals.creators),
      ]);
      return { month, perTier: tiers, totals, nearestLimits: nearest, creators };
    },
  };
}

function totalsOf(tiers: readonly TierSummary[]): UsageTotals {
  const sum = (pick: (t: TierSummary) => number) => tiers.reduce((total, t) => total + pick(t), 0);
  return {
    creators: sum((t) => t.creators),
    paidCreators: sum((t) => (t.tier === 'free' ? 0 : t.creators)),
    videos: sum((t) => t.videos),
    storageBytes: sum((t) => t.storageBytes),
    aiCredits: sum((t) => t.aiCredits),
    activeStudents: sum((t) => t.activeStudents),
    overLimitStudents: sum((t) => t.overLimitStudents),
  };
}

export {
  REVENUE_DAYS,
  OPEN_DISPUTES_SHOWN,
  type Finances,
  type CurrencyRevenue,
  type OpenDispute,
} from './finances-query.ts';

export type TierOverviewService = ReturnType<typeof createTierOverviewService>;
