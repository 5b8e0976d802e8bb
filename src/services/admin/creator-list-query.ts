/**
 * How the admin's creators table may be sorted and paged. Only the columns listed here can
 * be sorted; each maps to a fixed ORDER BY expression, so nothing a user sends reaches SQL.
 */
import { TIERS } from '../../domain/tier-table.ts';

export const CREATOR_SORTS = [
  'company',
  'owner',
  'tier',
  'videos',
  'storage',
  'ai_credits',
  'students',
  'over_limit',
  'created',
] as const;
export type CreatorSort = (typeof CREATOR_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

export const DEFAULT_CREATOR_SORT: CreatorSort = 'created';
export const CREATORS_PER_PAGE = 50;

export interface CreatorListQuery {
  sort: CreatorSort;
  dir: SortDirection;
  /** 1-based; pages past the last one show the last one. */
  page: number;
}

/** Fixed SQL over the `creator_usage` columns. The tier sorts by rank (free < … < enterprise), not by name. */
export const CREATOR_ORDER_BY: Readonly<Record<CreatorSort, string>> = Object.freeze({
  company: 'lower(coalesce(company_name, whop_company_id))',
  owner: 'lower(owner_username)',
  tier: `array_position(ARRAY[${TIERS.map((t) => `'${t}'`).join(', ')}]::text[], tier)`,
  videos: 'videos',
  storage: 'storage_bytes',
  ai_credits: 'ai_credits',
  students: 'active_students',
  over_limit: 'over_limit_students',
  created: 'created_at',
});

/** Names read A→Z first; numbers, tiers and dates biggest (newest) first. */
export function defaultDirection(sort: CreatorSort): SortDirection {
  return sort === 'company' || sort === 'owner' ? 'asc' : 'desc';
}

export function isCreatorSort(value: unknown): value is CreatorSort {
  return typeof value === 'string' && (CREATOR_SORTS as readonly string[]).includes(value);
}

/** Reads `?sort=&dir=&page=` leniently: anything unknown falls back to the default. */
export function parseCreatorListQuery(raw: { sort?: unknown; dir?: unknown; page?: unknown }): CreatorListQuery {
  const sort = isCreatorSort(raw.sort) ? raw.sort : DEFAULT_CREATOR_SORT;
  const dir = raw.dir === 'asc' || raw.dir === 'desc' ? raw.dir : defaultDirection(sort);
  const page = typeof raw.page === 'string' && /^[1-9]\d{0,5}$/.test(raw.page) ? Number(raw.page) : 1;
  return { sort, dir, page };
}

/** The ORDER BY clause for a parsed query; ties break by id so pages never overlap. */
export function orderByClause(query: Pick<CreatorListQuery, 'sort' | 'dir'>): string {
  const expression = CREATOR_ORDER_BY[isCreatorSort(query.sort) ? query.sort : DEFAULT_CREATOR_SORT];
  return `${expression} ${query.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, id ASC`;
}
