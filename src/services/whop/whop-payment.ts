/**
 * The payment fields Chronos uses, read from Whop's v1 JSON (webhook `data`). Whop sends
 * amounts as decimals in currency units; they become integer minor units here, by text, so no
 * float ever touches money.
 */
import { z } from 'zod';

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

const decimal = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)]);

export const whopPaymentSchema = z.object({
  id: z.string().regex(/^pay_\w+$/),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  total: decimal.nullish(),
  subtotal: decimal.nullish(),
  failure_message: z.string().nullish(),
  paid_at: z.iso.datetime({ offset: true }).nullish(),
  updated_at: z.iso.datetime({ offset: true }).nullish(),
  company: z.object({ id: z.string() }).nullish(),
  product: z.object({ id: z.string(), title: z.string().nullish() }).nullish(),
  membership: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), email: z.string().nullish(), name: z.string().nullish() }).nullish(),
});

export interface WhopPayment {
  id: string;
  currency: string;
  amountMinor: number;
  failureMessage: string | null;
  paidAt: Date | null;
  updatedAt: Date | null;
  companyId: string | null;
  productId: string | null;
  productTitle: string | null;
  membershipId: string | null;
  userId: string | null;
  userEmail: string | null;
}

export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? 0 : 2;
}

/** `"49.99"` (or 49.99) in `usd` → 4999; rounds half up past the currency's digits. */
export function toMinorUnits(value: number | string, currency: string): number {
  const digits = minorUnitDigits(currency);
  const text = typeof value === 'number' ? value.toFixed(digits + 2) : value;
  const [whole = '0', fraction = ''] = text.split('.');
  const padded = (fraction + '0'.repeat(digits + 1)).slice(0, digits + 1);
  const units = BigInt(whole) * 10n ** BigInt(digits) + BigInt(padded.slice(0, digits) || '0');
  const rounded = Number(padded.slice(digits, digits + 1)) >= 5 ? units + 1n : units;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('amount too large');
  return Number(rounded);
}

export function parseWhopPayment(raw: unknown): WhopPayment {
  const p = whopPaymentSchema.parse(raw);
  const currency = p.currency.toLowerCase();
  return {
    id: p.id,
    currency,
    amountMinor: toMinorUnits(p.total ?? p.subtotal ?? 0, currency),
    failureMessage: p.failure_message ?? null,
    paidAt: p.paid_at ? new Date(p.paid_at) : null,
    updatedAt: p.updated_at ? new Date(p.updated_at) : null,
    companyId: p.company?.id ?? null,
    productId: p.product?.id ?? null,
    productTitle: p.product?.title ?? null,
    membershipId: p.membership?.id ?? null,
    userId: p.user?.id ?? null,
    userEmail: p.user?.email ?? null,
  };
}
