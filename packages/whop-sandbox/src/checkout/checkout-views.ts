/**
 * What the checkout pages show: a product with its company and the plan a payment
 * would use (the same plan the payment service picks), prices as text, and the app's
 * dashboard URL the result page links back to.
 */
import type { SandboxCore } from '../sandbox-core.ts';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { SandboxError } from '../sandbox-errors.ts';
import { centsToDecimal } from '../serializers/money.ts';
import type { MembershipRecord, PaymentRecord, PlanRecord, UserRecord } from '../state/sandbox-records.ts';
import type { WebhookDelivery } from '../webhooks/webhook-delivery-log.ts';

export interface CheckoutOffer {
  product: { id: string; title: string; headline: string | null; description: string | null };
  company: { id: string; title: string };
  /** Undefined when the product has no plan, so it cannot be bought. */
  plan: { id: string; title: string | null; price: string; firstPrice: string | null; period: string } | undefined;
}

/** `19.00 USD`, as the control UI writes amounts. */
export function formatMoney(cents: number, currency: string): string {
  return `${centsToDecimal(cents).toFixed(2)} ${currency.toUpperCase()}`;
}

function billingPeriod(plan: PlanRecord): string {
  if (plan.plan_type === 'one_time' || plan.billing_period === null) return 'once';
  return plan.billing_period === 1 ? 'every day' : `every ${plan.billing_period} days`;
}

function planView(plan: PlanRecord): NonNullable<CheckoutOffer['plan']> {
  const recurring = plan.plan_type !== 'one_time' && plan.billing_period !== null;
  return {
    id: plan.id,
    title: plan.title,
    price: formatMoney(recurring ? plan.renewal_price_cents : plan.initial_price_cents, plan.currency),
    // Whop plans may charge a different first payment; the payment service charges it to new members.
    firstPrice:
      recurring && plan.initial_price_cents !== plan.renewal_price_cents
        ? formatMoney(plan.initial_price_cents, plan.currency)
        : null,
    period: billingPeriod(plan),
  };
}

/**
 * Where Whop sends the buyer after a completed checkout: the configuration's `redirect_url`
 * with `status` and `payment` added (Whop's documented query parameters on the return URL;
 * parameters already in the URL are kept).
 */
export function returnUrlAfterPayment(redirectUrl: string, paymentId: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set('status', 'succeeded');
  url.searchParams.set('payment', paymentId);
  return url.toString();
}

/** The product on sale, or undefined when there is no such product. */
export function checkoutOffer(core: SandboxCore, productId: string, planId?: string): CheckoutOffer | undefined {
  const product = core.state.getProduct(productId);
  if (!product) return undefined;
  const company = core.state.getCompany(product.company_id);
  let plan: PlanRecord | undefined;
  try {
    plan = core.memberships.resolvePlan(product.id, planId);
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
  }
  return {
    product: { id: product.id, title: product.title, headline: product.headline, description: product.description },
    company: { id: product.company_id, title: company?.title ?? product.company_id },
    plan: plan ? planView(plan) : undefined,
  };
}

export function userChoice(user: UserRecord) {
  return { id: user.id, label: `${user.name ?? user.username} (@${user.username}, ${user.id})` };
}

/** `<origin of the redirect URI>/dashboard`, e.g. `http://localhost:3000/dashboard`; undefined if the URI is not a URL. */
export function appDashboardUrl(app: SandboxAppRegistration): string | undefined {
  try {
    return `${new URL(app.redirectUri).origin}/dashboard`;
  } catch {
    return undefined;
  }
}

export function paymentResultView(
  payment: PaymentRecord,
  membership: MembershipRecord | undefined,
  events: WebhookDelivery[],
) {
  return {
    paid: payment.substatus === 'succeeded',
    payment: {
      id: payment.id,
      substatus: payment.substatus,
      amount: `${payment.amount} ${payment.currency.toUpperCase()}`,
      failureMessage: payment.failure_message,
    },
    membership: membership ? { id: membership.id, status: membership.status } : null,
    events: events.map((e) => e.type),
  };
}
