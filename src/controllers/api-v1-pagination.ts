/**
 * Cursor pagination of the creator API's lists. A cursor is opaque to clients: base64url JSON
 * naming its list and the last id of the page it follows. A cursor of another list, one that
 * cannot be read, and a `limit` outside 1..100 are each refused with their own 400.
 */
import { z } from 'zod';
import { AppError } from '../domain/app-errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../http/api-paths.ts';

/** The lists that page: adding one is a new name here. */
export type ListName = 'videos' | 'students' | 'courses';

export class PageRequestError extends AppError {
  constructor(code: 'invalid_cursor' | 'invalid_limit', message: string) {
    super(message, 400, code);
  }
}

const cursorSchema = z.object({ list: z.string(), after: z.number().int().min(0).max(2_147_483_647) });

export function encodeCursor(list: ListName, after: number): string {
  return Buffer.from(JSON.stringify({ list, after }), 'utf8').toString('base64url');
}

function decodeCursor(list: ListName, cursor: string): number {
  let parsed: z.infer<typeof cursorSchema> | undefined;
  if (/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) {
    try {
      const result = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      if (result.success) parsed = result.data;
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed)
    throw new PageRequestError(
      'invalid_cursor',
      'That cursor cannot be read. Use the nextCursor of a previous page exactly as it was returned.',
    );
  if (parsed.list !== list)
    throw new PageRequestError(
      'invalid_cursor',
      `That cursor belongs to another list (${parsed.list.slice(0, 40)}); use it only with that list, not with ` +
        `${list}.`,
    );
  return parsed.after;
}

export interface PageRequest {
  afterId: number;
  limit: number;
}

/** Reads `cursor` and `limit` from a query string. */
export function pageRequest(list: ListName, query: Record<string, unknown>): PageRequest {
  const { cursor, limit } = query;
  let size = DEFAULT_PAGE_SIZE;
  if (limit !== undefined) {
    if (typeof limit !== 'string' || !/^[0-9]{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_SIZE)
      throw new PageRequestError(
        'invalid_limit',
        `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}; leave it out for pages of ${DEFAULT_PAGE_SIZE}.`,
      );
    size = Number(limit);
  }
  if (cursor !== undefined && typeof cursor !== 'string')
    throw new PageRequestError('invalid_cursor', 'Send one cursor at most.');
  return { afterId: cursor === undefined ? 0 : decodeCursor(list, cursor), limit: size };
}

/**
 * One page from rows read with `limit + 1` (the extra row only says that more follow):
 * `{data, nextCursor}`, `nextCursor` null on the last page.
 */
export function pageOf<T extends { id: number }>(
  list: ListName,
  rows: T[],
  limit: number,
): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(list, last.id) : null };
}
