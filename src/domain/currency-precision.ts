/**
 * How many decimal places an amount of a currency carries, and amounts in minor units at that
 * precision. Whop publishes no table: a native money object says its own `decimals`, and that
 * wins. Otherwise ISO 4217's exponents for fiat; for Whop's own and crypto currencies the
 * precision of the asset itself (UNCONFIRMED against Whop: btc 8 = satoshi, eth 18 = wei,
 * usdt 6 as on its chains, whop_usd 2). The exact amount is always kept as decimal text
 * besides; minor units are a convenience and are null when they would not be exact or would not
 * fit a safe integer.
 */
/** ISO 4217 currencies without minor units (JPY, KRW, …). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'isk',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'iqd', 'jod', 'kwd', 'lyd', 'omr', 'tnd']);
const OWN_PRECISION: Record<string, number> = { btc: 8, eth: 18, usdt: 6, whop_usd: 2, ape: 18 };

/** The places of the legacy whole-number `amount` column: none for a zero-decimal currency, else 2. */
export function legacyAmountDecimals(currency: string): 0 | 2 {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? 0 : 2;
}

export function currencyDecimals(currency: string, declared?: number | null): number {
  if (typeof declared === 'number') return declared;
  const code = currency.toLowerCase();
  if (code in OWN_PRECISION) return OWN_PRECISION[code]!;
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** "49.99" at 2 places → 4999; null when the amount has more places than that or is too large. */
export function exactMinorUnits(amount: string, decimals: number): number | null {
  const [whole = '0', fraction = ''] = amount.split('.');
  if (fraction.length > decimals) return null;
  const units =
    BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + '0'.repeat(decimals)).slice(0, decimals) || '0');
  return units <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(units) : null;
}

/** The amount rounded half up to the currency's conventional places (fiat display, the legacy column). */
export function roundedMinorUnits(amount: string, decimals: number): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  const padded = (fraction + '0'.repeat(decimals + 1)).slice(0, decimals + 1);
  const units = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(padded.slice(0, decimals) || '0');
  return Number(padded.slice(decimals, decimals + 1)) >= 5 ? units + 1n : units;
}
