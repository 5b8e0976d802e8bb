/**
 * Formatting for mail: money from integer minor units (never through a float) and HTML escaping.
 * Dates come from src/domain/dates.ts, the same as on pages. English (en-US) wording and number style throughout.
 */
const LOCALE = 'en-US';

/**
 * `amountMinor` in the currency's minor unit (cents for USD, yen for JPY) as a currency string:
 * usd 4999 → "$49.99", jpy 500 → "¥500". The decimal is built from the integer's digits and
 * handed to Intl as an exact decimal string.
 */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const formatter = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: currency.toUpperCase() });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const negative = amountMinor < 0n;
  const magnitude = (negative ? -amountMinor : amountMinor).toString().padStart(digits + 1, '0');
  const decimal = digits === 0 ? magnitude : `${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
  return formatter.format(`${negative ? '-' : ''}${decimal}` as `${number}`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** One line of text: control characters (CR, LF, tabs, …) become spaces, runs of spaces collapse. */
export function singleLine(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}
