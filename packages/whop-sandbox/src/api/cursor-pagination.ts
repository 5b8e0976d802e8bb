/**
 * Cursor pagination as Whop's v1 API (GraphQL connections underneath) does it:
 * `first`/`after` forward, `last`/`before` backward, answered as
 * `{data, page_info: {start_cursor, end_cursor, has_next_page, has_previous_page}}`.
 * Items are ordered by `created_at` then `id`; a cursor encodes that key, so it stays
 * valid when items are added.
 */
import { ValidationError } from '../sandbox-errors.ts';
import type { ListQuery } from './list-query.ts';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageInfo {
  start_cursor: string | null;
  end_cursor: string | null;
  has_next_page: boolean;
  has_previous_page: boolean;
}

export interface Page<T> {
  data: T[];
  page_info: PageInfo;
}

interface Sortable {
  id: string;
  created_at: string;
}

type Key = [string, string];

function keyOf(item: Sortable): Key {
  return [item.created_at, item.id];
}

function encodeCursor(item: Sortable): string {
  return Buffer.from(JSON.stringify(keyOf(item)), 'utf8').toString('base64url');
}

function decodeCursor(name: string, cursor: string): Key {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && key.every((part) => typeof part === 'string')) return key as Key;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError(`${name} is not a valid cursor.`);
}

function compareKeys(a: Key, b: Key): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

export function paginate<R extends Sortable, J>(
  items: readonly R[],
  query: ListQuery,
  toJson: (item: R) => J,
): Page<J> {
  const first = query.integer('first', 1, MAX_PAGE_SIZE);
  const last = query.integer('last', 1, MAX_PAGE_SIZE);
  if (first !== undefined && last !== undefined) throw new ValidationError('Use first or last, not both.');
  const direction = query.oneOf('direction', ['asc', 'desc'] as const) ?? 'desc';
  const sign = direction === 'asc' ? 1 : -1;
  const ordered = [...items].sort((a, b) => sign * compareKeys(keyOf(a), keyOf(b)));

  const after = query.string('after');
  const before = query.string('before');
  const afterKey = after ? decodeCursor('after', after) : undefined;
  const beforeKey = before ? decodeCursor('before', before) : undefined;
  const window = ordered.filter(
    (item) =>
      (!afterKey || sign * compareKeys(keyOf(item), afterKey) > 0) &&
      (!beforeKey || sign * compareKeys(keyOf(item), beforeKey) < 0),
  );
  const slice = last !== undefined ? window.slice(-last) : window.slice(0, first ?? DEFAULT_PAGE_SIZE);

  const head = slice[0];
  const tail = slice.at(-1);
  return {
    data: slice.map(toJson),
    page_info: {
      start_cursor: head ? encodeCursor(head) : null,
      end_cursor: tail ? encodeCursor(tail) : null,
      has_next_page: tail ? ordered.indexOf(tail) < ordered.length - 1 : false,
      has_previous_page: head ? ordered.indexOf(head) > 0 : false,
    },
  };
}
