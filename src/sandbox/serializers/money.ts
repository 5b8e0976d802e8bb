/** Whop's JSON carries amounts as decimals in currency units; the sandbox stores minor units. */
export function centsToDecimal(cents: number): number {
  return Math.round(cents) / 100;
}

/**
 * Parses a decimal amount ("29.99", 29.99, "30") into minor units without float drift.
 * Returns undefined for anything that is not a non-negative amount with at most 2 decimals.
 */
export function decimalToCents(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}
