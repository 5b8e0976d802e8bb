/**
 * Taking payments in the sandbox. A payment fires `payment.created` and then
 * `payment.succeeded`, `payment.failed`, `payment.pending`, `payment.authorized` or
 * `payment.canceled`. A success starts a new renewal period (and creates or re-activates the
 * membership; a one-time plan's membership is `completed`); a failure puts a valid membership
 * `past_due` (so it is deactivated), as a failed renewal does on Whop. Amounts are exact
 * decimal strings at the currency's precision, in any of Whop's currencies.
 */
import { ConflictError, NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { centsToAmount, currencyDecimals, isWhopCurrency, normalizeAmount } from '../serializers/money.ts';
import { newId } from '../state/id-generator.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { MembershipRecord, PaymentRecord, PlanRecord } from '../state/sandbox-records.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';
import type { MembershipService } from './membership-service.ts';
import { nextTimestamp } from './sandbox-clock.ts';

/**
 * `created` only records the payment (fires `payment.created` alone; for events fired by hand).
 * `authorized`: the charge is authorized, not captured. `canceled`: voided before capture.
 */
export type PaymentOutcome = 'succeeded' | 'failed' | 'pending' | 'created' | 'authorized' | 'canceled';

export interface TakePaymentInput {
  membershipId?: string | undefined;
  userId?: string | undefined;
  productId?: string | undefined;
  planId?: string | undefined;
  outcome: PaymentOutcome;
  /** A decimal in the currency's major unit (`"29.99"`, `"0.00012345"`); defaults to the plan's price. */
  amount?: string | undefined;
  /** Minor units (cents), the older way to give an amount. */
  amountCents?: number | undefined;
  currency?: string | undefined;
  /** A checkout configuration's metadata, copied to a membership the payment creates (as Whop does). */
  metadata?: Record<string, unknown> | undefined;
}

export interface PaymentResult {
  payment: PaymentRecord;
  membership: MembershipRecord | undefined;
}

export class PaymentService {
  constructor(
    private readonly ctx: SerializerContext,
    private readonly events: EventPublisher,
    private readonly memberships: MembershipService,
  ) {}

  take(input: TakePaymentInput): PaymentResult {
    const { membership, plan, userId } = this.resolve(input);
    const isRenewal = membership !== undefined;
    const currency = input.currency ?? plan.currency;
    if (!isWhopCurrency(currency)) throw new ValidationError(`${currency} is not one of Whop's currencies.`);
    const amount = this.amountOf(input, currency, isRenewal ? plan.renewal_price_cents : plan.initial_price_cents);
    const now = new Date().toISOString();
    let payment = this.ctx.state.insertPayment({
      id: newId('pay'),
      user_id: userId,
      membership_id: membership?.id ?? null,
      product_id: plan.product_id,
      plan_id: plan.id,
      company_id: plan.company_id,
      status: 'pending',
      substatus: 'pending',
      amount,
      currency,
      refunded_amount: null,
      refunded_at: null,
      dispute_alerted_at: null,
      billing_reason:
        plan.plan_type === 'one_time' ? 'one_time' : isRenewal ? 'subscription_cycle' : 'subscription_create',
      failure_message: null,
      paid_at: null,
      created_at: now,
      updated_at: now,
    });
    this.publish('payment.created', payment);

    if (input.outcome === 'pending' || input.outcome === 'created') {
      if (input.outcome === 'pending') this.publish('payment.pending', payment);
      return { payment, membership };
    }
    if (input.outcome === 'authorized') {
      this.publish('payment.authorized', payment);
      return { payment, membership };
    }
    if (input.outcome === 'canceled') return { payment: this.cancel(payment.id), membership };

    let current = membership;
    if (input.outcome === 'succeeded') {
      if (!current) {
        current = this.memberships.create({
          userId,
          productId: plan.product_id,
          planId: plan.id,
          metadata: input.metadata,
        });
      } else {
        current = this.memberships.renew(current.id);
        if (!isValidStatus(current.status)) current = this.memberships.setStatus(current.id, 'active');
      }
      payment = this.ctx.state.updatePayment(payment.id, {
        membership_id: current.id,
        status: 'paid',
        substatus: 'succeeded',
        paid_at: new Date().toISOString(),
        updated_at: nextTimestamp(payment.updated_at),
      });
      this.publish('payment.succeeded', payment);
    } else {
      if (current && isValidStatus(current.status)) current = this.memberships.setStatus(current.id, 'past_due');
      payment = this.ctx.state.updatePayment(payment.id, {
        status: 'open',
        substatus: 'failed',
        failure_message: 'Your card was declined. (sandbox)',
        updated_at: nextTimestamp(payment.updated_at),
      });
      this.publish('payment.failed', payment);
    }
    return { payment, membership: current };
  }

  /** Voids a payment that has not been captured (`payment.canceled`). */
  cancel(paymentId: string): PaymentRecord {
    const before = this.get(paymentId);
    if (before.status !== 'pending')
      throw new ConflictError(
        `Payment ${paymentId} is ${before.substatus}; only a pending (authorized) payment can be canceled.`,
      );
    const after = this.ctx.state.updatePayment(paymentId, {
      status: 'void',
      substatus: 'canceled',
      updated_at: nextTimestamp(before.updated_at),
    });
    this.publish('payment.canceled', after, before);
    return after;
  }

  get(id: string): PaymentRecord {
    const payment = this.ctx.state.getPayment(id);
    if (!payment) throw new NotFoundError(`Payment ${id} was not found.`);
    return payment;
  }

  publish(type: string, payment: PaymentRecord, before?: PaymentRecord): void {
    this.events.publish(type, payment.company_id, { kind: 'payment', record: payment, before });
  }

  private amountOf(input: TakePaymentInput, currency: string, planCents: number): string {
    if (input.amount !== undefined && input.amountCents !== undefined)
      throw new ValidationError('Give amount or amount_cents, not both.');
    if (input.amount !== undefined) {
      const amount = normalizeAmount(input.amount, currency);
      if (amount === undefined) {
        throw new ValidationError(
          `${input.amount} is not an amount in ${currency}: a non-negative decimal with at most ${currencyDecimals(currency)} decimals.`,
        );
      }
      return amount;
    }
    return centsToAmount(input.amountCents ?? planCents, currency);
  }

  private resolve(input: TakePaymentInput): {
    membership: MembershipRecord | undefined;
    plan: PlanRecord;
    userId: string;
  } {
    const state = this.ctx.state;
    if (input.membershipId) {
      const membership = this.memberships.get(input.membershipId);
      const plan = state.getPlan(membership.plan_id);
      if (!plan) throw new NotFoundError(`Plan ${membership.plan_id} was not found.`);
      return { membership, plan, userId: membership.user_id };
    }
    if (!input.userId || !input.productId) throw new ValidationError('Give membership_id, or user and product.');
    if (!state.getUser(input.userId)) throw new NotFoundError(`User ${input.userId} was not found.`);
    const plan = this.memberships.resolvePlan(input.productId, input.planId);
    return { membership: state.findMembership(input.userId, input.productId), plan, userId: input.userId };
  }
}
