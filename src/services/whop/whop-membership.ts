/**
 * The membership fields Chronos uses, read from Whop's v1 JSON (REST responses and webhook
 * `data`) with zod: whatever else Whop sends is ignored, a malformed object is refused.
 */
import { z } from 'zod';

export const VALID_MEMBERSHIP_STATUSES = ['active', 'trialing', 'canceling'] as const;

const idRef = z.object({ id: z.string().min(1) });

export const whopMembershipSchema = z
  .object({
    id: z.string().regex(/^mem_\w+$/),
    status: z.string().min(1),
    company: idRef.extend({ title: z.string().nullish() }),
    product: idRef.extend({ title: z.string().nullish() }),
    plan: idRef.nullish(),
    user: idRef.extend({ username: z.string().nullish(), name: z.string().nullish(), email: z.string().nullish() }).nullish(),
    member: idRef.nullish(),
    updated_at: z.iso.datetime({ offset: true }),
    created_at: z.iso.datetime({ offset: true }).nullish(),
    renewal_period_end: z.iso.datetime({ offset: true }).nullish(),
    cancel_at_period_end: z.boolean().nullish(),
  })
  .refine((m) => Boolean(m.user?.id), { message: 'membership has no user', path: ['user'] });

export interface WhopMembership {
  id: string;
  status: string;
  valid: boolean;
  companyId: string;
  companyTitle: string | null;
  productId: string;
  planId: string | null;
  userId: string;
  userEmail: string | null;
  username: string | null;
  updatedAt: Date;
  createdAt: Date | null;
  renewalPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export function isValidMembershipStatus(status: string): boolean {
  return (VALID_MEMBERSHIP_STATUSES as readonly string[]).includes(status);
}

/** Parses a Whop membership object; throws a ZodError when it is not one. */
export function parseWhopMembership(raw: unknown): WhopMembership {
  const m = whopMembershipSchema.parse(raw);
  return {
    id: m.id,
    status: m.status,
    valid: isValidMembershipStatus(m.status),
    companyId: m.company.id,
    companyTitle: m.company.title ?? null,
    productId: m.product.id,
    planId: m.plan?.id ?? null,
    userId: m.user!.id,
    userEmail: m.user?.email ?? null,
    username: m.user?.username ?? null,
    updatedAt: new Date(m.updated_at),
    createdAt: m.created_at ? new Date(m.created_at) : null,
    renewalPeriodEnd: m.renewal_period_end ? new Date(m.renewal_period_end) : null,
    cancelAtPeriodEnd: m.cancel_at_period_end ?? false,
  };
}
