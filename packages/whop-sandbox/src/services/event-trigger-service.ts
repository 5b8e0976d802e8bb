/**
 * Fires any event by hand (`POST /sandbox/api/events`, `npm run whop -- trigger …`).
 * Membership, payment, refund, dispute and invoice events change the state first, as the
 * real thing would, so the REST API and the event agree; any other type is sent with the
 * given or the resolved object as `data`.
 */
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { isValidStatus, MEMBERSHIP_STATUSES } from '../state/sandbox-records.ts';
import type { MembershipRecord, MembershipStatus, PaymentRecord } from '../state/sandbox-records.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';
import type { BillingService } from './billing-service.ts';
import type { MembershipService } from './membership-service.ts';
import type { PaymentService } from './payment-service.ts';

export interface TriggerInput {
  type: string;
  userId?: string | undefined;
  productId?: string | undefined;
  companyId?: string | undefined;
  membershipId?: string | undefined;
  paymentId?: string | undefined;
  refundId?: string | undefined;
  disputeId?: string | undefined;
  /** A membership status, or a refund / dispute status for those events. */
  status?: string | undefined;
  /** A decimal in the currency's major unit. */
  amount?: string | undefined;
  currency?: string | undefined;
  reason?: string | undefined;
  alertType?: string | undefined;
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
  'payment.authorized': 'authorized',
  'payment.canceled': 'canceled',
} as const;

function membershipStatus(status: string | undefined): MembershipStatus | undefined {
  if (status === undefined) return undefined;
  if (!(MEMBERSHIP_STATUSES as readonly string[]).includes(status)) {
    throw new ValidationError(`A membership status must be one of ${MEMBERSHIP_STATUSES.join(', ')}, not ${status}.`);
  }
  return status as MembershipStatus;
}

export class EventTriggerService {
  constructor(
    private readonly ctx: SerializerContext,
    private readonly events: EventPublisher,
    private readonly memberships: MembershipService,
    private readonly payments: PaymentService,
    private readonly billing: BillingService,
  ) {}

  trigger(input: TriggerInput): TriggerResult {
    switch (input.type) {
      case 'membership.activated':
        return this.activate(input);
      case 'membership.deactivated':
        return this.deactivate(input);
      case 'membership.updated':
        return this.update(input);
      case 'membership.cancel_at_period_end_changed':
        return this.toggleCancel(input);
      case 'refund.created': {
        const refund = this.billing.refund(this.paymentOf(input).id, { amount: input.amount, status: input.status });
        return { payment: this.payments.get(refund.payment_id) };
      }
      case 'refund.updated': {
        const refund = this.billing.updateRefund({
          refundId: input.refundId,
          paymentId: input.refundId ? undefined : this.paymentOf(input).id,
          status: input.status,
        });
        return { payment: this.payments.get(refund.payment_id) };
      }
      case 'dispute.created':
        return {
          payment: this.payments.get(
            this.billing.openDispute(this.paymentOf(input).id, {
              amount: input.amount,
              status: input.status,
              reason: input.reason,
            }).payment_id,
          ),
        };
      case 'dispute.updated': {
        const dispute = this.billing.updateDispute({
          disputeId: input.disputeId,
          paymentId: input.disputeId ? undefined : this.paymentOf(input).id,
          status: input.status,
        });
        return { payment: this.payments.get(dispute.payment_id) };
      }
      case 'dispute_alert.created':
        return {
          payment: this.payments.get(
            this.billing.alert(this.paymentOf(input).id, { alertType: input.alertType }).payment_id,
          ),
        };
      case 'invoice.past_due':
      case 'invoice.paid': {
        const membership = this.findMembership(input, true);
        if (!membership) throw new NotFoundError('No membership found.');
        this.billing.invoice(membership.id, input.type === 'invoice.paid' ? 'paid' : 'past_due');
        return { membership };
      }
      case 'payment.canceled':
        if (input.paymentId) return { payment: this.payments.cancel(input.paymentId) };
        return this.pay(input);
      default:
        if (input.type in PAYMENT_OUTCOMES && !input.paymentId) return this.pay(input);
        return this.fireAsIs(input);
    }
  }

  /** By id; else the user's latest paid payment of the product. */
  private paymentOf(input: TriggerInput): PaymentRecord {
    if (input.paymentId) return this.payments.get(input.paymentId);
    if (!input.userId || !input.productId)
      throw new ValidationError(`${input.type} needs payment_id, or user and product (their latest paid payment).`);
    const payment = this.ctx.state
      .listPayments()
      .filter((p) => p.user_id === input.userId && p.product_id === input.productId && p.status === 'paid')
      .at(-1);
    if (!payment) throw new NotFoundError(`${input.userId} has no paid payment of ${input.productId}.`);
    return payment;
  }

  private update(input: TriggerInput): TriggerResult {
    const membership = this.findMembership(input, true);
    if (!membership) throw new NotFoundError('No membership found.');
    const status = membershipStatus(input.status) ?? membership.status;
    return { membership: this.memberships.setStatus(membership.id, status, input.type) };
  }

  private activate(input: TriggerInput): TriggerResult {
    const status = membershipStatus(input.status) ?? 'active';
    if (!isValidStatus(status))
      throw new ValidationError(
        `membership.activated needs a valid status (active, trialing, canceling, completed), not ${status}.`,
      );
    const existing = this.findMembership(input, false);
    if (!existing)
      return {
        membership: this.memberships.create({ userId: input.userId ?? '', productId: input.productId ?? '', status }),
      };
    return { membership: this.memberships.setStatus(existing.id, status, input.type) };
  }

  private deactivate(input: TriggerInput): TriggerResult {
    const status = membershipStatus(input.status) ?? 'expired';
    if (isValidStatus(status))
      throw new ValidationError(
        `membership.deactivated needs an invalid status (e.g. expired, canceled, past_due), not ${status}.`,
      );
    const existing = this.findMembership(input, false);
    if (!existing) {
      const created = this.memberships.create({ userId: input.userId ?? '', productId: input.productId ?? '', status });
      this.memberships.publish(input.type, created);
      this.memberships.publish('membership.updated', created);
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
      amount: input.amount,
      currency: input.currency,
    });
    return { payment: result.payment, membership: result.membership };
  }

  private fireAsIs(input: TriggerInput): TriggerResult {
    const state = this.ctx.state;
    if (input.paymentId) {
      const payment = state.getPayment(input.paymentId);
      if (!payment) throw new NotFoundError(`Payment ${input.paymentId} was not found.`);
      this.events.publish(
        input.type,
        input.companyId ?? payment.company_id,
        input.data === undefined ? { kind: 'payment', record: payment } : { kind: 'raw', data: input.data },
      );
      return { payment };
    }
    const membership = input.data === undefined ? this.findMembership(input, false) : undefined;
    if (membership) {
      this.events.publish(input.type, input.companyId ?? membership.company_id, {
        kind: 'membership',
        record: membership,
      });
      return { membership };
    }
    const product = input.productId ? state.getProduct(input.productId) : undefined;
    this.events.publish(input.type, input.companyId ?? product?.company_id ?? null, {
      kind: 'raw',
      data: input.data ?? {},
    });
    return {};
  }

  /** By id, else the user's latest membership of the product. */
  private findMembership(input: TriggerInput, required: boolean): MembershipRecord | undefined {
    if (input.membershipId) return this.memberships.get(input.membershipId);
    if (!input.userId || !input.productId) {
      if (required || input.type.startsWith('membership.'))
        throw new ValidationError(`${input.type} needs membership_id, or user and product.`);
      return undefined;
    }
    if (!this.ctx.state.getUser(input.userId)) throw new NotFoundError(`User ${input.userId} was not found.`);
    if (!this.ctx.state.getProduct(input.productId))
      throw new NotFoundError(`Product ${input.productId} was not found.`);
    return this.ctx.state.findMembership(input.userId, input.productId);
  }
}
