/** A checkout configuration in Whop's v1 shape (`CheckoutConfigurationCreateResponse` of `@whop/sdk`). */
import type { CheckoutConfigurationRecord } from '../state/checkout-configuration-store.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { centsToDecimal } from './money.ts';

/** The sandbox's purchase page of a configuration: the product's checkout page with `?session=ch_…`. */
export function purchaseUrlOf(ctx: SerializerContext, record: CheckoutConfigurationRecord): string | null {
  const plan = ctx.state.getPlan(record.plan_id);
  if (!plan) return null;
  return `${ctx.origin}/sandbox/checkout/${encodeURIComponent(plan.product_id)}?session=${encodeURIComponent(record.id)}`;
}

export function serializeCheckoutConfiguration(ctx: SerializerContext, record: CheckoutConfigurationRecord) {
  const plan = ctx.state.getPlan(record.plan_id);
  return {
    id: record.id,
    account_id: record.company_id,
    created_at: record.created_at,
    updated_at: record.updated_at,
    mode: 'payment' as const,
    affiliate_code: record.affiliate_code,
    currency: null,
    metadata: record.metadata,
    payment_method_configuration: null,
    plan: plan
      ? {
          id: plan.id,
          adaptive_pricing_enabled: false,
          billing_period: plan.billing_period,
          currency: plan.currency,
          expiration_days: null,
          initial_price: centsToDecimal(plan.initial_price_cents),
          plan_type: plan.plan_type,
          release_method: 'buy_now',
          renewal_price: centsToDecimal(plan.renewal_price_cents),
          three_ds_level: null,
          trial_period_days: plan.trial_period_days,
          visibility: 'visible',
        }
      : null,
    purchase_url: purchaseUrlOf(ctx, record),
    redirect_url: record.redirect_url,
    three_ds_level: null,
  };
}
