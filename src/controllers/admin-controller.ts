/**
 * `GET /admin/tiers`: the admin's overview of creators, students and usage per tier. Reads
 * `?sort=&dir=&page=` for the creators table (the service whitelists them) and hands the page
 * the numbers, the tier chart's geometry and the links of the sortable headers.
 */
import type { RequestHandler } from 'express';
import type { TierOverviewService, TierOverview } from '../services/admin/tier-overview-service.ts';
import {
  defaultDirection,
  parseCreatorListQuery,
  type CreatorSort,
  type SortDirection,
} from '../services/admin/creator-list-query.ts';
import { barChart } from '../views/svg-chart.ts';

export interface SortableColumn {
  label: string;
  sort: CreatorSort;
  /** Right-aligned numbers. */
  numeric: boolean;
  href: string;
  /** `aria-sort` of the header: the sorted column says which way; the others (`none`) carry no attribute. */
  ariaSort: 'ascending' | 'descending' | 'none';
  /** What following the link does, for screen readers and the tooltip. */
  action: string;
}

const COLUMNS: readonly { label: string; sort: CreatorSort; numeric: boolean }[] = [
  { label: 'Company', sort: 'company', numeric: false },
  { label: 'Owner', sort: 'owner', numeric: false },
  { label: 'Tier', sort: 'tier', numeric: false },
  { label: 'Videos', sort: 'videos', numeric: true },
  { label: 'Storage', sort: 'storage', numeric: true },
  { label: 'AI credits (month)', sort: 'ai_credits', numeric: true },
  { label: 'Active students', sort: 'students', numeric: true },
  { label: 'Over limit', sort: 'over_limit', numeric: true },
  { label: 'Created', sort: 'created', numeric: true },
];

export function creatorsHref(sort: CreatorSort, dir: SortDirection, page = 1): string {
  const query = new URLSearchParams({ sort, dir });
  if (page > 1) query.set('page', String(page));
  return `/admin/tiers?${query.toString()}#creators`;
}

/** The sorted column's link flips the direction; the others start in their natural one. */
export function sortableColumns(current: { sort: CreatorSort; dir: SortDirection }): SortableColumn[] {
  return COLUMNS.map((column) => {
    const active = column.sort === current.sort;
    const dir: SortDirection = active ? (current.dir === 'asc' ? 'desc' : 'asc') : defaultDirection(column.sort);
    return {
      ...column,
      href: creatorsHref(column.sort, dir),
      ariaSort: active ? (current.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      action: `Sort by ${column.label.toLowerCase()}, ${dir === 'asc' ? 'ascending' : 'descending'}`,
    };
  });
}

function monthName(month: string): string {
  return new Date(`${month}T00:00:00Z`).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function tierChart(overview: TierOverview) {
  return barChart(
    overview.perTier.map((t) => ({ label: t.name, value: t.creators, key: t.tier })),
    { id: 'tier-chart', title: 'Creators per tier', labelName: 'Tier', valueName: 'Creators', width: 420, height: 240 },
  );
}

export function adminController(deps: { overview: TierOverviewService }) {
  const tiers: RequestHandler = async (req, res) => {
    const query = parseCreatorListQuery(req.query);
    const [overview, finances] = await Promise.all([deps.overview.overview(query), deps.overview.finances()]);
    const { creators } = overview;
    res.render('pages/admin-tiers', {
      title: 'Tier overview',
      overview,
      finances,
      monthName: monthName(overview.month),
      chart: tierChart(overview),
      columns: sortableColumns(creators),
      previousHref: creators.page > 1 ? creatorsHref(creators.sort, creators.dir, creators.page - 1) : null,
      nextHref: creators.page < creators.pages ? creatorsHref(creators.sort, creators.dir, creators.page + 1) : null,
    });
  };
  return { tiers };
}
