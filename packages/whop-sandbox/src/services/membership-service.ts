/**
 * Membership rules: creating memberships and changing their status, with the webhook
 * events Whop sends. A status that becomes valid (active, trialing, canceling, completed)
 * fires `membership.activated`, one that becomes invalid fires `membership.deactivated`, and
 * a change of `cancel_at_period_end` fires `membership.cancel_at_period_end_changed`. Every
 * change (activation included) is also delivered as `membership.updated` (Whop's docs), last.
 */
import { ConflictError, NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { newId } from '../state/id-generator.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { MembershipRecord, MembershipStatus, PlanRecord } from '../state/sandbox-records.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';
import { nextTimestamp, renewalPeriod } from './sandbox-clock.ts';

export interface CreateMembershipInput {
  userId: string;
  productId: string;
  planId?: string | undefined;
  status?: MembershipStatus | undefined;
  /** Copied from the checkout configuration the membership was bought through. */
  metadata?: Record<string, unknown> | undefined;
}

export class MembershipService {
  constructor(
    private readonly ctx: SerializerContext,
    private readonly events: EventPublisher,
  ) {}

  private get state() {
    return this.ctx.state;
  }

  get(id: string): MembershipRecord {
    const membership = this.state.getMembership(id);
    if (!membership) throw new NotFoundError(`Membership ${id} was not found.`);
    return membership;
  }

  resolvePlan(productId: string, planId?: string): PlanRecord {
    const product = this.state.getProduct(productId);
    if (!product) throw new NotFoundError(`Product ${productId} was not found.`);
    if (planId) {
      const plan = this.state.getPlan(planId);
      if (!plan || plan.product_id !== productId)
        throw new ValidationError(`Plan ${planId} is not a plan of product ${productId}.`);
      return plan;
    }
    const plan = this.state.plansOfProduct(productId)[0];
    if (!plan) throw new ValidationError(`Product ${productId} has no plan.`);
    return plan;
  }

  /** A new membership; refused when the user already holds a valid one of the product. */
  create(input: CreateMembershipInput): MembershipRecord {
    const user = this.state.getUser(input.userId);
    if (!user) throw new NotFoundError(`User ${input.userId} was not found.`);
    const plan = this.resolvePlan(input.productId, input.planId);
    const existing = this.state.findMembership(user.id, input.productId);
    if (existing && isValidStatus(existing.status)) {
      throw new ConflictError(
        `${user.id} already has a valid membership (${existing.id}) of ${input.productId}; change its status instead.`,
      );
    }
    const status = input.status ?? (plan.plan_type === 'one_time' ? 'completed' : 'active');
    const now = new Date().toISOString();
    // A one-time purchase (`completed`) has no renewal period.
    const period = status === 'completed' ? { start: null, end: null } : renewalPeriod(plan.billing_period);
    const membership = this.state.insertMembership({
      id: newId('mem'),
      user_id: user.id,
      product_id: plan.product_id,
      plan_id: plan.id,
      company_id: plan.company_id,
      member_id: newId('mber'),
      status,
      cancel_at_period_end: status === 'canceling',
      canceled_at: status === 'canceling' || status === 'canceled' ? now : null,
      cancellation_reason: null,
      renewal_period_start: period.start,
      renewal_period_end: period.end,
      metadata: { ...input.metadata },
      created_at: now,
      updated_at: now,
      joined_at: now,
    });
    if (isValidStatus(status)) {
      this.publish('membership.activated', membership);
      this.publish('membership.updated', membership);
    }
    return membership;
  }

  /**
   * Changes the status and fires what Whop would. `forceEvent` (events fired by hand)
   * sends that event even when the status does not cross the valid/invalid line.
   */
  setStatus(id: string, status: MembershipStatus, forceEvent?: string): MembershipRecord {
    const before = this.get(id);
    if (before.status === status && !forceEvent) return before;
    const now = new Date().toISOString();
    const patch: Partial<MembershipRecord> = { status, updated_at: nextTimestamp(before.updated_at) };
    if (status === 'canceling') {
      patch.cancel_at_period_end = true;
      patch.canceled_at = before.canceled_at ?? now;
    } else if (status === 'active' || status === 'trialing') {
      patch.cancel_at_period_end = false;
      patch.canceled_at = null;
    } else if (status === 'canceled') {
      patch.cancel_at_period_end = false;
      patch.canceled_at = before.canceled_at ?? now;
    } else {
      patch.cancel_at_period_end = false;
    }
    if (status === 'completed') {
      patch.renewal_period_start = null;
      patch.renewal_period_end = null;
    } else if (isValidStatus(status) && !isValidStatus(before.status)) {
      const plan = this.state.getPlan(before.plan_id);
      const period = renewalPeriod(plan?.billing_period ?? null);
      patch.renewal_period_start = period.start;
      patch.renewal_period_end = period.end;
    }
    const after = this.state.updateMembership(id, patch);
    const crossed = isValidStatus(after.status) !== isValidStatus(before.status);
    const natural = crossed
      ? isValidStatus(after.status)
        ? 'membership.activated'
        : 'membership.deactivated'
      : undefined;
    if (forceEvent && forceEvent !== 'membership.updated') this.publish(forceEvent, after, before);
    else if (natural && !forceEvent) this.publish(natural, after, before);
    // The flag also drops when a membership ends; only a toggle on a live membership is an event.
    const toggled = after.cancel_at_period_end !== before.cancel_at_period_end && isValidStatus(after.status);
    if (toggled && forceEvent !== 'membership.cancel_at_period_end_changed' && forceEvent !== 'membership.updated') {
      this.publish('membership.cancel_at_period_end_changed', after, before);
    }
    this.publish('membership.updated', after, before);
    return after;
  }

  /** Turns cancel-at-period-end on (status `canceling`) or off (status `active`). */
  setCancelAtPeriodEnd(id: string, cancelAtPeriodEnd: boolean, forceEvent = false): MembershipRecord {
    const before = this.get(id);
    if (!isValidStatus(before.status)) {
      throw new ConflictError(
        `Membership ${id} is ${before.status}; only a valid membership can be set to cancel at period end.`,
      );
    }
    if (before.cancel_at_period_end === cancelAtPeriodEnd) {
      if (forceEvent) this.publish('membership.cancel_at_period_end_changed', before, before);
      return before;
    }
    return this.setStatus(id, cancelAtPeriodEnd ? 'canceling' : 'active');
  }

  /** Starts a new renewal period after a successful payment. */
  renew(id: string): MembershipRecord {
    const before = this.get(id);
    const plan = this.state.getPlan(before.plan_id);
    if (plan?.plan_type === 'one_time' || before.status === 'completed') return before;
    const period = renewalPeriod(plan?.billing_period ?? null);
    const after = this.state.updateMembership(id, {
      renewal_period_start: period.start,
      renewal_period_end: period.end,
      updated_at: nextTimestamp(before.updated_at),
    });
    if (isValidStatus(after.status)) this.publish('membership.updated', after, before);
    return after;
  }

  publish(type: string, membership: MembershipRecord, before?: MembershipRecord): void {
    this.events.publish(type, membership.company_id, { kind: 'membership', record: membership, before });
  }
}
