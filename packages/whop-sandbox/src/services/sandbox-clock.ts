const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The next `updated_at` for a record: now, but always after the previous value, so two
 * changes in one millisecond still order correctly (apps drop changes older than stored).
 */
export function nextTimestamp(previous: string | null | undefined, now = Date.now()): string {
  const before = previous ? Date.parse(previous) : Number.NaN;
  return new Date(Number.isNaN(before) ? now : Math.max(now, before + 1)).toISOString();
}

/** A renewal period starting now, or null for one-time plans. */
export function renewalPeriod(
  billingPeriodDays: number | null,
  now = Date.now(),
): { start: string | null; end: string | null } {
  if (billingPeriodDays === null) return { start: null, end: null };
  return { start: new Date(now).toISOString(), end: new Date(now + billingPeriodDays * DAY_MS).toISOString() };
}
