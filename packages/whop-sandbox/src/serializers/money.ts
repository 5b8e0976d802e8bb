/**
 * Money in the sandbox: amounts are exact decimal strings in the currency's major unit
 * (`"29.99"`, `"0.00012345"` BTC), never floats. Whop's JSON carries them as numbers in the
 * legacy shape and as money objects `{amount, currency, decimals, display_decimals}` in the
 * native one.
 */

/** Every currency of `@whop/sdk`'s `Currency` type. */
export const WHOP_CURRENCIES = [
  'usd',
  'sgd',
  'inr',
  'aud',
  'brl',
  'cad',
  'dkk',
  'eur',
  'nok',
  'gbp',
  'sek',
  'chf',
  'hkd',
  'huf',
  'jpy',
  'mxn',
  'myr',
  'pln',
  'czk',
  'nzd',
  'aed',
  'eth',
  'ape',
  'cop',
  'ron',
  'thb',
  'bgn',
  'idr',
  'dop',
  'php',
  'try',
  'krw',
  'twd',
  'vnd',
  'pkr',
  'clp',
  'uyu',
  'ars',
  'zar',
  'dzd',
  'tnd',
  'mad',
  'kes',
  'kwd',
  'jod',
  'all',
  'xcd',
  'amd',
  'bsd',
  'bhd',
  'bob',
  'bam',
  'khr',
  'crc',
  'xof',
  'egp',
  'etb',
  'gmd',
  'ghs',
  'gtq',
  'gyd',
  'ils',
  'jmd',
  'mop',
  'mga',
  'mur',
  'mdl',
  'mnt',
  'nad',
  'ngn',
  'mkd',
  'omr',
  'pyg',
  'pen',
  'qar',
  'rwf',
  'sar',
  'rsd',
  'lkr',
  'tzs',
  'ttd',
  'uzs',
  'rub',
  'btc',
  'cny',
  'usdt',
  'kzt',
  'awg',
  'whop_usd',
  'xau',
] as const;
export type WhopCurrency = (typeof WHOP_CURRENCIES)[number];

export function isWhopCurrency(value: string): value is WhopCurrency {
  return (WHOP_CURRENCIES as readonly string[]).includes(value);
}

/**
 * The precision each currency is charged at. Whop publishes no table, only per-object
 * `decimals` (UNCONFIRMED): ISO 4217 minor units, and for crypto the coin's usual unit.
 */
const DECIMALS: Partial<Record<WhopCurrency, number>> = {
  jpy: 0,
  krw: 0,
  vnd: 0,
  clp: 0,
  pyg: 0,
  xof: 0,
  rwf: 0,
  mga: 0,
  bhd: 3,
  jod: 3,
  kwd: 3,
  omr: 3,
  tnd: 3,
  btc: 8,
  eth: 18,
  ape: 18,
  usdt: 6,
};
/** Charged at one precision, shown at another (Whop's example: COP is charged in centavos, quoted in pesos). */
const DISPLAY_DECIMALS: Partial<Record<WhopCurrency, number>> = { cop: 0, btc: 8, eth: 8, ape: 8, usdt: 2 };

export function currencyDecimals(currency: string): number {
  return DECIMALS[currency as WhopCurrency] ?? 2;
}

export function displayDecimals(currency: string): number {
  return DISPLAY_DECIMALS[currency as WhopCurrency] ?? currencyDecimals(currency);
}

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,18}))?$/;

/**
 * An amount ("29.99", 29.99, "30") as an exact decimal string at the currency's precision
 * ("30.00"; "0.00012345" for BTC). Undefined when it is not a non-negative amount the
 * currency can carry (too many decimals, a sign, an exponent, …).
 */
export function normalizeAmount(value: string | number, currency: string): string | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const decimals = currencyDecimals(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return undefined;
  const whole = BigInt(match[1] ?? '0').toString();
  return decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`;
}

/** Minor units (an integer at the currency's precision) → the exact decimal string. */
export function minorToAmount(minor: bigint, currency: string): string {
  const decimals = currencyDecimals(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** The exact decimal string → minor units at the currency's precision. */
export function amountToMinor(amount: string, currency: string): bigint {
  const decimals = currencyDecimals(currency);
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole + fraction.padEnd(decimals, '0').slice(0, decimals));
}

/** Legacy shape: a JSON number in the major unit (the precision a double keeps, as Whop's numbers). */
export function amountToNumber(amount: string): number {
  return Number(amount);
}

/** Plan prices are stored in cents (USD-like currencies): the exact decimal string. */
export function centsToAmount(cents: number, currency: string): string {
  const amount = normalizeAmount((Math.round(cents) / 100).toFixed(2), currency);
  return amount ?? (Math.round(cents) / 100).toFixed(2);
}

/** Whop's decimals in the legacy shape (plan prices): a JSON number in currency units. */
export function centsToDecimal(cents: number): number {
  return Math.round(cents) / 100;
}

/** A native money object, as Whop's pinned payloads carry amounts. */
export interface MoneyObject {
  amount: string;
  currency: string;
  decimals: number;
  display_decimals: number;
}

export function moneyObject(amount: string, currency: string): MoneyObject {
  return { amount, currency, decimals: currencyDecimals(currency), display_decimals: displayDecimals(currency) };
}
