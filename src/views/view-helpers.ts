/** Formatting helpers available to every view (`app.locals`): numbers, bytes, dates, usage bars. */
import { formatBytes } from '../domain/byte-units.ts';
import { countOf } from './plural.ts';
import { formatDate, formatDateTime } from '../domain/dates.ts';
import { studentAccess } from './student-access.ts';
import { isCurrentLink } from './navigation.ts';
import { FORM_BODY_MAX_BYTES } from '../domain/form-limits.ts';
import { fieldError, hasErrorUnder, invalidAttrs, typedOr } from './form-state.ts';

export { formatBytes, formatDate, formatDateTime };

/** One formatter for every call (`toLocaleString('en-US')` would build one each time). */
const NUMBER_FORMAT = new Intl.NumberFormat('en-US');

export function formatNumber(value: number): string {
  return NUMBER_FORMAT.format(value);
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
    : `${m}:${String(s).padStart(2, '0')}`;
}

/** Integer minor units of a currency, formatted (4999 usd → $49.99; 500 jpy → ¥500). */
export function formatMoney(amountMinor: number, currency: string): string {
  // Whop's own codes (whop_usd, usdt) are no ISO 4217 codes: shown as the figure and the code.
  if (!/^[A-Za-z]{3}$/.test(currency)) return `${(amountMinor / 100).toFixed(2)} ${currency.toUpperCase()}`;
  const formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}

export interface UsageBar {
  label: string;
  used: string;
  limit: string;
  /** 0..100, rounded down; 0 for unlimited. */
  percent: number;
  /** `ok` below 75 %, `warn` from 75 %, `full` at 100 %, `unlimited`. */
  level: 'ok' | 'warn' | 'full' | 'unlimited';
}

export function usageBar(
  label: string,
  used: number,
  limit: number | null,
  format: (n: number) => string = formatNumber,
): UsageBar {
  if (limit === null) return { label, used: format(used), limit: 'unlimited', percent: 0, level: 'unlimited' };
  const percent = limit === 0 ? 100 : Math.min(100, Math.floor((used / limit) * 100));
  return {
    label,
    used: format(used),
    limit: format(limit),
    percent,
    level: percent >= 100 ? 'full' : percent >= 75 ? 'warn' : 'ok',
  };
}

export const viewHelpers = {
  formatBytes,
  formatNumber,
  formatDate,
  formatDateTime,
  formatDuration,
  formatMoney,
  usageBar,
  countOf,
  studentAccess,
  isCurrentLink,
  invalidAttrs,
  typedOr,
  fieldError,
  hasErrorUnder,
  /** The body limit, for the submit check of public/js/form-size.js. */
  formMaxBytes: FORM_BODY_MAX_BYTES,
};
