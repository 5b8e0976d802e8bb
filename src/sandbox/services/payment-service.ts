/**
 * Taking payments in the sandbox. A payment fires `payment.created` and then
 * `payment.succeeded`, `payment.failed` or `payment.pending`. A success starts a new
 * renewal period (and creates or re-activates the membership); a failure puts a valid
 * membership `past_due` (so it is deactivated), as a failed renewal does on Whop.
 */
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import { newId } from '../state/id-generator.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { MembershipRecord, PaymentRecord, PlanRecord } from '../state/sandbox-records.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';
import type { MembershipService } from './membership-service.ts';
import { nextTimestamp } from './sandbox-clock.ts';

/** `created` only records the payment (fires `payment.created` alone; for events fired by hand). */
export type PaymentOutcome = 'succeeded' | 'failed' | 'pending' | 'created';

export interface TakePaymentInput {
  membershipId?: string | undefined;
  userId?: string | undefined;
  productId?: string | undefined;
  planId?: string | undefined;
  outcome: PaymentOutcome;
  /** Minor units; defaults to the plan's price. */
  amountCents?: number | undefined;
  currency?: string | undefined;
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
      amount_cents: input.amountCents ?? (isRenewal ? plan.renewal_price_cents : plan.initial_price_cents),
      currency: input.currency ?? plan.currency,
      billing_reason: plan.plan_type === 'one_time' ? 'one_time' : isRenewal ? 'subscription_cycle' : 'subscription_create',
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

    let current = membership;
    if (input.outcome === 'succeeded') {
      if (!current) {
        current = this.memberships.create({ userId, productId: plan.product_id, planId: plan.id });
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

  publish(type: string, payment: PaymentRecord): void {
    this.events.publish(type, payment.company_id, serializePayment(this.ctx, payment));
  }

  private resolve(input: TakePaymentInput): { membership: MembershipRecord | undefined; plan: PlanRecord; userId: string } {
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
