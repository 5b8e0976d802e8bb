/**
 * Read-ahead: a page's own data read in the same statement as the signed-in user's context
 * (role-service.ts), for the pages opened most, so such a page costs one database round trip.
 * A read-ahead gives more select-list columns: they may use `c.id`, the id of the creator the
 * user owns (NULL when none), and parameters numbered from `$2` (`$1` is the user's id). The
 * page's controller takes the row with `readAheadRow` and reads for itself when there is none.
 */
import type { Request } from 'express';

export interface ReadAheadColumns {
  /** Fixed SQL text: values go in `values`. */
  columns: string;
  values: readonly unknown[];
}

export interface ReadAhead {
  /** The page's name for its row. */
  name: string;
  /** This request's columns; undefined when the request is not for the page. */
  columnsFor(req: Request): ReadAheadColumns | undefined;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended through this namespace
  namespace Express {
    interface Request {
      readAhead?: { name: string; row: Record<string, unknown> };
    }
  }
}

/** The row read ahead for page `name` on this request, if any. */
export function readAheadRow(req: Request, name: string): Record<string, unknown> | undefined {
  return req.readAhead?.name === name ? req.readAhead.row : undefined;
}

/** The first read-ahead this request has columns for. */
export function readAheadFor(readAheads: readonly ReadAhead[], req: Request): { name: string; columns: ReadAheadColumns } | undefined {
  for (const readAhead of readAheads) {
    const columns = readAhead.columnsFor(req);
    if (columns) return { name: readAhead.name, columns };
  }
  return undefined;
}
