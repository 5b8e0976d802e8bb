/**
 * Which payload shape a webhook's `api_version_date` means. Whop's docs: a pinned v1 webhook
 * sends each resource exactly as a REST read at that date (newer dates: the native, flat
 * shape, `account_id` in the envelope); an unpinned one (`api_version_date: null`) sends
 * the legacy nested shape (`company_id`). The date where the shapes switch is not published
 * (UNCONFIRMED; a third-party note says pins from 2026-08-14 carry `account_id`): the sandbox
 * uses one switch date for memberships and payments.
 */
export const NATIVE_PAYLOAD_SINCE = '2026-08-14';
/** A recent dated version, the default when a webhook is pinned without a date (docs' examples). */
export const LATEST_API_VERSION_DATE = '2026-11-17';

export type PayloadShape = 'legacy' | 'native';

/** `YYYY-MM-DD`, optionally with a `-N` release suffix (`2026-09-02-1`). */
export const API_VERSION_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:-\d{1,2})?$/;

export function isApiVersionDate(value: string): boolean {
  const match = API_VERSION_DATE_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === value.slice(0, 10) &&
    value.slice(0, 10) >= '2025-01-01'
  );
}

export function payloadShape(apiVersionDate: string | null): PayloadShape {
  return apiVersionDate !== null && apiVersionDate.slice(0, 10) >= NATIVE_PAYLOAD_SINCE ? 'native' : 'legacy';
}
