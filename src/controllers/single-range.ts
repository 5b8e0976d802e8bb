/**
 * At most one byte range per media request. `send` serves one range, or the whole file when
 * it is asked for several: a request for many ranges (or many overlapping ones, the classic
 * amplification) is turned here into the one range that spans them, so the answer is a single
 * 206 no larger than the file. Unsatisfiable and malformed headers are left for `send` to
 * answer (416, or the whole file for what is not a byte range at all).
 */
import parseRange from 'range-parser';

export const MAX_RANGE_HEADER = 1024;

/** The Range header to serve for a file of `size` bytes; undefined when there is none. */
export function singleRange(header: string | undefined, size: number): string | undefined {
  if (header === undefined || !header.includes(',')) return header;
  // A header this long is never a player's: serve the first range only, without parsing the rest.
  const parsed = parseRange(size, header.length > MAX_RANGE_HEADER ? header.slice(0, header.indexOf(',')) : header, {
    combine: true,
  });
  if (parsed === -1 || parsed === -2) return header.slice(0, header.indexOf(','));
  if (parsed.type !== 'bytes' || parsed.length === 0) return header;
  const start = Math.min(...parsed.map((r) => r.start));
  const end = Math.max(...parsed.map((r) => r.end));
  return `bytes=${start}-${end}`;
}
