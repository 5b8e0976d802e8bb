/** Companies, products and plans in the JSON shapes of Whop's v1 API. */
import type { Company, Plan, Product } from '@whop/sdk/resources/shared';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { CompanyRecord, PlanRecord, ProductRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';
import { centsToDecimal } from './money.ts';

export interface SerializerContext {
  state: SandboxState;
  /** The sandbox origin, for URLs such as `purchase_url`. */
  origin: string;
}

function ownerOf(
  ctx: SerializerContext,
  company: CompanyRecord | undefined,
): { id: string; name: string | null; username: string } {
  const owner = company?.admin_user_ids[0] ? ctx.state.getUser(company.admin_user_ids[0]) : undefined;
  return owner ? { id: owner.id, name: owner.name, username: owner.username } : { id: '', name: null, username: '' };
}

function memberCount(ctx: SerializerContext, filter: (productId: string) => boolean): number {
  const users = new Set(
    ctx.state
      .listMemberships()
      .filter((m) => filter(m.product_id) && isValidStatus(m.status))
      .map((m) => m.user_id),
  );
  return users.size;
}

export function serializeCompany(ctx: SerializerContext, company: CompanyRecord): Company {
  return {
    id: company.id,
    title: company.title,
    route: company.route,
    description: company.description,
    created_at: company.created_at,
    updated_at: company.updated_at,
    owner_user: ownerOf(ctx, company),
    member_count: memberCount(ctx, (productId) => ctx.state.getProduct(productId)?.company_id === company.id),
    affiliate_instructions: null,
    featured_affiliate_product: null,
    logo: null,
    metadata: {},
    published_reviews_count: 0,
    send_customer_emails: true,
    social_links: [],
    target_audience: null,
    verified: false,
  };
}

export function serializeProduct(ctx: SerializerContext, product: ProductRecord): Product {
  const company = ctx.state.getCompany(product.company_id);
  return {
    id: product.id,
    title: product.title,
    route: product.route,
    description: product.description,
    headline: product.headline,
    visibility: product.visibility,
    created_at: product.created_at,
    updated_at: product.updated_at,
    company: { id: product.company_id, route: company?.route ?? '', title: company?.title ?? '' },
    owner_user: ownerOf(ctx, company),
    member_count: memberCount(ctx, (productId) => productId === product.id),
    custom_cta: 'join',
    custom_cta_url: null,
    custom_statement_descriptor: null,
    external_identifier: null,
    gallery_images: [],
    global_affiliate_percentage: null,
    global_affiliate_status: 'disabled',
    member_affiliate_percentage: null,
    member_affiliate_status: 'disabled',
    metadata: {},
    product_tax_code: null,
    published_reviews_count: 0,
    verified: false,
  };
}

export function serializePlan(ctx: SerializerContext, plan: PlanRecord): Plan {
  const product = ctx.state.getProduct(plan.product_id);
  const company = ctx.state.getCompany(plan.company_id);
  return {
    id: plan.id,
    title: plan.title,
    description: null,
    plan_type: plan.plan_type,
    billing_period: plan.billing_period,
    initial_price: centsToDecimal(plan.initial_price_cents),
    renewal_price: centsToDecimal(plan.renewal_price_cents),
    // The sandbox only stores currencies Whop knows; the SDK types the field as a union.
    currency: plan.currency as Plan['currency'],
    trial_period_days: plan.trial_period_days,
    created_at: plan.created_at,
    updated_at: plan.updated_at,
    visibility: 'visible',
    release_method: 'buy_now',
    purchase_url: `${ctx.origin}/checkout/${plan.id}`,
    product: product ? { id: product.id, title: product.title } : null,
    account: company ? { id: company.id, title: company.title } : null,
    member_count: ctx.state.listMemberships().filter((m) => m.plan_id === plan.id).length,
    adaptive_pricing_enabled: false,
    collect_tax: false,
    custom_fields: [],
    expiration_days: null,
    internal_notes: null,
    invoice: null,
    metadata: {},
    payment_method_configuration: null,
    split_pay_required_payments: null,
    stock: null,
    tax_type: 'unspecified',
    three_ds_level: null,
    unlimited_stock: true,
  };
}
