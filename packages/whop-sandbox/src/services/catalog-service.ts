import { NotFoundError } from '../sandbox-errors.ts';
import { newId } from '../state/id-generator.ts';
import type { ProductRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';

export interface CreateProductInput {
  companyId: string;
  title: string;
  description?: string | null | undefined;
  headline?: string | null | undefined;
  visibility?: ProductRecord['visibility'] | undefined;
  /** Price of the default monthly plan, minor units (default 0). */
  priceCents?: number | undefined;
}

/**
 * A new product of a company. Unlike Whop, the sandbox also adds one monthly plan
 * (so memberships can be created for the product straight away).
 */
export function createProduct(state: SandboxState, input: CreateProductInput): ProductRecord {
  const company = state.getCompany(input.companyId);
  if (!company) throw new NotFoundError(`Company ${input.companyId} was not found.`);
  const now = new Date().toISOString();
  const product = state.insertProduct({
    id: newId('prod'),
    company_id: company.id,
    title: input.title,
    route: `${input.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Date.now().toString(36)}`,
    description: input.description ?? null,
    headline: input.headline ?? null,
    visibility: input.visibility ?? 'visible',
    created_at: now,
    updated_at: now,
  });
  state.insertPlan({
    id: newId('plan'),
    product_id: product.id,
    company_id: company.id,
    title: `${product.title} monthly`,
    plan_type: 'renewal',
    billing_period: 30,
    initial_price_cents: input.priceCents ?? 0,
    renewal_price_cents: input.priceCents ?? 0,
    currency: 'usd',
    trial_period_days: null,
    created_at: now,
    updated_at: now,
  });
  return product;
}
