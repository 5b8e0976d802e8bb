/**
 * The small pieces every Whop object is built from, in each of the shapes Whop sends them:
 * ids as strings or as `{id}` objects, times as ISO 8601 strings or Unix seconds, and amounts as
 * numbers (legacy, major units), decimal strings, or native money objects
 * `{amount: "50.00", currency, decimals}`. Amounts never pass through a float: a number is
 * turned into its shortest decimal text first, and kept as text from then on.
 */
import { z } from 'zod';

/** The object's data cannot be read as what the event says it is: no retry can help. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Which generation of Whop's payloads an object came in. */
export type PayloadShape = 'nested' | 'flat' | 'v5';

export type RawObject = Record<string, unknown>;

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** An id given as a string (`product_id`) or inside an object (`product: {id}`), whichever is there. */
export function idOf(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    const direct = text(candidate);
    if (direct) return direct;
    if (isObject(candidate)) {
      const nested = text(candidate.id);
      if (nested) return nested;
    }
  }
  return null;
}

/**
 * A time as Whop sends it: an ISO 8601 string (current shapes) or Unix seconds (legacy v5 and an
 * older v1 snapshot), as a number or a string of digits. Null and absent are null; anything else
 * is a ShapeError naming the field.
 */
export function instant(value: unknown, field: string): Date | null {
  if (value === null || value === undefined || value === '') return null;
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value * 1000;
  else if (typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value.trim())) ms = Number(value.trim()) * 1000;
  else if (
    typeof value === 'string' &&
    z.iso.datetime({ offset: true, local: true }).or(z.iso.date()).safeParse(value.trim()).success
  )
    ms = Date.parse(value.trim());
  else throw new ShapeError(`${field} is not a time (ISO 8601 or Unix seconds)`);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new ShapeError(`${field} is not a time (ISO 8601 or Unix seconds)`);
  return date;
}

const DECIMAL = /^\d{1,30}(\.\d{1,30})?$/;

/** The shortest exact decimal text of a finite non-negative number (1e-7 → "0.0000001"). */
export function numberToDecimal(value: number): string {
  const shortest = String(value);
  if (!/e/i.test(shortest)) return shortest;
  const [mantissa = '0', exponentText = '0'] = shortest.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`.replace(/0+$/, '');
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** "050.500" → "50.5"; "3.000" → "3". */
export function normaliseDecimal(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  const w = whole.replace(/^0+(?=\d)/, '');
  const f = fraction.replace(/0+$/, '');
  return f ? `${w}.${f}` : w;
}

export interface Money {
  /** Major units, exact decimal text ("50", "0.00012"). */
  amount: string;
  /** Lower-case currency code, when the value carried one (money objects). */
  currency: string | null;
  /** The precision the money object declares (`decimals`), when it does. */
  decimals: number | null;
}

/**
 * An amount in any of Whop's forms: a number or decimal string in major units, or a money
 * object. Null and absent are null; a negative, non-finite or malformed amount is a ShapeError.
 */
export function money(value: unknown, field: string): Money | null {
  if (value === null || value === undefined) return null;
  if (isObject(value)) {
    const inner = money(value.amount, `${field}.amount`);
    if (!inner) return null;
    const decimals =
      typeof value.decimals === 'number' &&
      Number.isInteger(value.decimals) &&
      value.decimals >= 0 &&
      value.decimals <= 30
        ? value.decimals
        : null;
    return { amount: inner.amount, currency: currencyCode(value.currency), decimals };
  }
  let decimalText: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ShapeError(`${field} is not a non-negative amount`);
    decimalText = numberToDecimal(value);
  } else if (typeof value === 'string') {
    decimalText = value.trim();
  } else {
    throw new ShapeError(`${field} is not an amount`);
  }
  if (!DECIMAL.test(decimalText)) throw new ShapeError(`${field} is not a non-negative decimal amount`);
  return { amount: normaliseDecimal(decimalText), currency: null, decimals: null };
}

/** Whop's currency codes: ISO 4217 and its own (`usdt`, `whop_usd`, `btc`, `eth`, …), lower-cased. */
const CURRENCY = /^[a-z][a-z0-9_]{1,15}$/;

export function currencyCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toLowerCase();
  return CURRENCY.test(code) ? code : null;
}

/** Whop-side ids look like `mem_…`, `pay_…`, `biz_…`: visible ASCII, bounded. */
export function checkedId(value: string | null, prefix: RegExp, field: string): string {
  if (!value || value.length > 200 || !prefix.test(value))
    throw new ShapeError(`${field} is missing or not an id of the expected kind`);
  return value;
}
