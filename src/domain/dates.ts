/**
 * The one way Chronos writes dates and times, on pages and in emails alike: "8 Dec 2026" for a
 * day and "8 Dec 2026, 12:41 UTC" for a moment, always in UTC and with the zone named when a
 * time is shown. Missing values (a date never set) read as "—".
 */
const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export type DateInput = Date | string | number | null | undefined;

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "8 Dec 2026" (UTC day). */
export function formatDate(value: DateInput): string {
  const date = toDate(value);
  return date ? DAY_FORMAT.format(date) : '—';
}

/** "8 Dec 2026, 12:41 UTC" (24-hour clock). */
export function formatDateTime(value: DateInput): string {
  const date = toDate(value);
  if (!date) return '—';
  const hours = String(date.getUTCHours()).padStart(2, '0');
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${DAY_FORMAT.format(date)}, ${hours}:${minutes} UTC`;
}
