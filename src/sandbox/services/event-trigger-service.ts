/**
 * Fires any event by hand (`POST /sandbox/api/events`, `npm run whop -- trigger …`).
 * Membership and payment events change the state first, as the real thing would, so
 * the REST API and the event agree; any other type is sent with the given or the
 * resolved object as `data`.
 */
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializeMembership } from '../serializers/membership-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { MembershipRecord, MembershipStatus, PaymentRecord } from '../state/sandbox-records.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';
import type { MembershipService } from './membership-service.ts';
import type { PaymentService } from './payment-service.ts';

export interface TriggerInput {
  type: string;
  userId?: string | undefined;
  productId?: string | undefined;
  companyId?: string | undefined;
  membershipId?: string | undefined;
  paymentId?: string | undefined;
  status?: MembershipStatus | undefined;
  amountCents?: number | undefined;
  currency?: string | undefined;
  /** `data` for types the sandbox does not model. */
  data?: unknown;
}

export interface TriggerResult {
  membership?: MembershipRecord | undefined;
  payment?: PaymentRecord | undefined;
}

const PAYMENT_OUTCOMES = {
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
  'payment.pending': 'pending',
  'payment.created': 'created',
} as const;

export class EventTriggerService {
  constructor(
    private readonly ctx: SerializerContext,
    private readonly events: EventPublisher,
    private readonly memberships: MembershipService,
    private readonly payments: PaymentService,
  ) {}

  trigger(input: TriggerInput): TriggerResult {
    if (input.type === 'membership.activated') return this.activate(input);
    if (input.type === 'membership.deactivated') return this.deactivate(input);
    if (input.type === 'membership.cancel_at_period_end_changed') return this.toggleCancel(input);
    if (input.type in PAYMENT_OUTCOMES && !input.paymentId) return this.pay(input);
    return this.fireAsIs(input);
  }

  private activate(input: TriggerInput): TriggerResult {
    const status = input.status ?? 'active';
    if (!isValidStatus(status)) throw new ValidationError(`membership.activated needs a valid status (active, trialing, canceling), not ${status}.`);
    const existing = this.findMembership(input, false);
    if (!existing) return { membership: this.memberships.create({ userId: input.userId ?? '', productId: input.productId ?? '', status }) };
    return { membership: this.memberships.setStatus(existing.id, status, input.type) };
  }

  private deactivate(input: TriggerInput): TriggerResult {
    const status = input.status ?? 'expired';
    if (isValidStatus(status)) throw new ValidationError(`membership.deactivated needs an invalid status (e.g. expired, canceled, past_due), not ${status}.`);
    const existing = this.findMembership(input, false);
    if (!existing) {
      const created = this.memberships.create({ userId: input.userId ?? '', productId: input.productId ?? '', status });
      this.memberships.publish(input.type, created);
      return { membership: created };
    }
    return { membership: this.memberships.setStatus(existing.id, status, input.type) };
  }

  private toggleCancel(input: TriggerInput): TriggerResult {
    const membership = this.findMembership(input, true);
    if (!membership) throw new NotFoundError('No membership found.');
    const value = input.status ? input.status === 'canceling' : !membership.cancel_at_period_end;
    return { membership: this.memberships.setCancelAtPeriodEnd(membership.id, value, true) };
  }

  private pay(input: TriggerInput): TriggerResult {
    const outcome = PAYMENT_OUTCOMES[input.type as keyof typeof PAYMENT_OUTCOMES];
    const result = this.payments.take({
      membershipId: input.membershipId,
      userId: input.userId,
      productId: input.productId,
      outcome,
      amountCents: input.amountCents,
      currency: input.currency,
    });
    return { payment: result.payment, membership: result.membership };
  }

  private fireAsIs(input: TriggerInput): TriggerResult {
    const state = this.ctx.state;
    if (input.paymentId) {
      const payment = state.getPayment(input.paymentId);
      if (!payment) throw new NotFoundError(`Payment ${input.paymentId} was not found.`);
      this.events.publish(input.type, input.companyId ?? payment.company_id, input.data ?? serializePayment(this.ctx, payment));
      return { payment };
    }
    const membership = input.data === undefined ? this.findMembership(input, false) : undefined;
    if (membership) {
      this.events.publish(input.type, input.companyId ?? membership.company_id, serializeMembership(this.ctx, membership));
      return { membership };
    }
    const product = input.productId ? state.getProduct(input.productId) : undefined;
    this.events.publish(input.type, input.companyId ?? product?.company_id ?? null, input.data ?? {});
    return {};
  }

  /** By id, else the user's latest membership of the product. */
  private findMembership(input: TriggerInput, required: boolean): MembershipRecord | undefined {
    if (input.membershipId) return this.memberships.get(input.membershipId);
    if (!input.userId || !input.productId) {
      if (required || input.type.startsWith('membership.')) throw new ValidationError(`${input.type} needs membership_id, or user and product.`);
      return undefined;
    }
    if (!this.ctx.state.getUser(input.userId)) throw new NotFoundError(`User ${input.userId} was not found.`);
    if (!this.ctx.state.getProduct(input.productId)) throw new NotFoundError(`Product ${input.productId} was not found.`);
    return this.ctx.state.findMembership(input.userId, input.productId);
  }
}
