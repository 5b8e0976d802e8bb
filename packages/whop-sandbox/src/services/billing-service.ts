/**
 * What happens to a payment after it is taken: refunds (`refund.created`, `refund.updated`;
 * a succeeded refund marks the payment `refunded` or `partially_refunded`), disputes
 * (`dispute.created`, `dispute.updated`), dispute alerts (`dispute_alert.created`), and the
 * invoices of a membership (`invoice.past_due`, `invoice.paid`). Invoices do not change the
 * membership's status: a failed or a succeeded payment does that.
 */
import { ConflictError, NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import {
  amountToMinor,
  centsToAmount,
  currencyDecimals,
  minorToAmount,
  normalizeAmount,
} from '../serializers/money.ts';
import { newId } from '../state/id-generator.ts';
import type {
  DisputeRecord,
  DisputeStatus,
  InvoiceRecord,
  InvoiceStatus,
  PaymentRecord,
  RefundRecord,
  RefundStatus,
} from '../state/sandbox-records.ts';
import type { DisputeAlertRecord, EventPublisher } from '../webhooks/webhook-event.ts';
import type { MembershipService } from './membership-service.ts';
import type { PaymentService } from './payment-service.ts';
import { nextTimestamp } from './sandbox-clock.ts';

export const REFUND_STATUSES: readonly RefundStatus[] = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
];
export const DISPUTE_STATUSES: readonly DisputeStatus[] = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'closed',
  'other',
];
export const DISPUTE_ALERT_TYPES: readonly DisputeAlertRecord['alert_type'][] = ['dispute', 'dispute_rdr', 'fraud'];

const DAY_MS = 24 * 60 * 60 * 1000;

function oneOf<T extends string>(what: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw new ValidationError(`${what} must be one of ${allowed.join(', ')}, not ${value}.`);
  return value as T;
}

export class BillingService {
  constructor(
    private readonly ctx: SerializerContext,
    private readonly events: EventPublisher,
    private readonly payments: PaymentService,
    private readonly memberships: MembershipService,
  ) {}

  private get state() {
    return this.ctx.state;
  }

  /** The amount given (exact, at the payment's precision), or the default. */
  private amountFor(payment: PaymentRecord, given: string | undefined, fallbackMinor: bigint): string {
    if (given === undefined) return minorToAmount(fallbackMinor, payment.currency);
    const amount = normalizeAmount(given, payment.currency);
    if (amount === undefined || amountToMinor(amount, payment.currency) <= 0n) {
      throw new ValidationError(
        `${given} is not a positive amount in ${payment.currency} (at most ${currencyDecimals(payment.currency)} decimals).`,
      );
    }
    return amount;
  }

  /** A refund of a paid payment: the whole remainder by default, or `amount` (partial). */
  refund(paymentId: string, input: { amount?: string | undefined; status?: string | undefined }): RefundRecord {
    const payment = this.payments.get(paymentId);
    if (payment.status !== 'paid')
      throw new ConflictError(`Payment ${paymentId} is ${payment.substatus}; only a paid payment can be refunded.`);
    const status = oneOf('A refund status', input.status, REFUND_STATUSES, 'succeeded');
    const remaining =
      amountToMinor(payment.amount, payment.currency) -
      this.refundedMinor(payment, ['pending', 'requires_action', 'succeeded']);
    if (remaining <= 0n) throw new ConflictError(`Payment ${paymentId} is already refunded in full.`);
    const amount = this.amountFor(payment, input.amount, remaining);
    if (amountToMinor(amount, payment.currency) > remaining) {
      throw new ValidationError(
        `${amount} ${payment.currency} is more than the ${minorToAmount(remaining, payment.currency)} left to refund.`,
      );
    }
    const now = new Date().toISOString();
    const refund = this.state.saveRefund({
      id: newId('rfnd'),
      payment_id: payment.id,
      company_id: payment.company_id,
      amount,
      currency: payment.currency,
      status,
      created_at: now,
      updated_at: now,
    });
    this.settlePayment(payment);
    this.events.publish('refund.created', refund.company_id, { kind: 'refund', record: refund });
    return refund;
  }

  /** Moves a refund to another status (`refund.updated`); the latest refund of a payment when given a payment. */
  updateRefund(input: {
    refundId?: string | undefined;
    paymentId?: string | undefined;
    status?: string | undefined;
  }): RefundRecord {
    const before = input.refundId
      ? this.state.getRefund(input.refundId)
      : input.paymentId
        ? this.state.refundsOfPayment(input.paymentId).at(-1)
        : undefined;
    if (!before)
      throw new NotFoundError(
        input.refundId
          ? `Refund ${input.refundId} was not found.`
          : 'That payment has no refund; fire refund.created first.',
      );
    const status = oneOf('A refund status', input.status, REFUND_STATUSES, 'succeeded');
    const after = this.state.saveRefund({ ...before, status, updated_at: nextTimestamp(before.updated_at) });
    const payment = this.state.getPayment(after.payment_id);
    if (payment) this.settlePayment(payment);
    this.events.publish('refund.updated', after.company_id, { kind: 'refund', record: after, before });
    return after;
  }

  /** A dispute of a paid payment (`dispute.created`). */
  openDispute(
    paymentId: string,
    input: { amount?: string | undefined; status?: string | undefined; reason?: string | undefined },
  ): DisputeRecord {
    const payment = this.payments.get(paymentId);
    if (payment.status !== 'paid')
      throw new ConflictError(`Payment ${paymentId} is ${payment.substatus}; only a paid payment can be disputed.`);
    const status = oneOf('A dispute status', input.status, DISPUTE_STATUSES, 'needs_response');
    const amount = this.amountFor(payment, input.amount, amountToMinor(payment.amount, payment.currency));
    const now = new Date();
    const dispute = this.state.saveDispute({
      id: newId('dspt'),
      payment_id: payment.id,
      company_id: payment.company_id,
      amount,
      currency: payment.currency,
      status,
      reason: input.reason ?? 'Fraudulent',
      needs_response_by: new Date(now.getTime() + 7 * DAY_MS).toISOString(),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    this.events.publish('dispute.created', dispute.company_id, { kind: 'dispute', record: dispute });
    return dispute;
  }

  /** Moves a dispute to another status (`dispute.updated`); the latest dispute of a payment when given a payment. */
  updateDispute(input: {
    disputeId?: string | undefined;
    paymentId?: string | undefined;
    status?: string | undefined;
  }): DisputeRecord {
    const before = input.disputeId
      ? this.state.getDispute(input.disputeId)
      : input.paymentId
        ? this.state.disputesOfPayment(input.paymentId).at(-1)
        : undefined;
    if (!before)
      throw new NotFoundError(
        input.disputeId
          ? `Dispute ${input.disputeId} was not found.`
          : 'That payment has no dispute; fire dispute.created first.',
      );
    const status = oneOf('A dispute status', input.status, DISPUTE_STATUSES, 'under_review');
    const after = this.state.saveDispute({ ...before, status, updated_at: nextTimestamp(before.updated_at) });
    this.events.publish('dispute.updated', after.company_id, { kind: 'dispute', record: after, before });
    return after;
  }

  /** An early warning about a payment (`dispute_alert.created`); not kept, only its event. */
  alert(paymentId: string, input: { alertType?: string | undefined }): DisputeAlertRecord {
    const payment = this.payments.get(paymentId);
    const now = new Date().toISOString();
    const updated = this.state.updatePayment(payment.id, {
      dispute_alerted_at: now,
      updated_at: nextTimestamp(payment.updated_at),
    });
    const alert: DisputeAlertRecord = {
      id: newId('dspa'),
      payment_id: updated.id,
      dispute_id: this.state.disputesOfPayment(updated.id).at(-1)?.id ?? null,
      alert_type: oneOf('An alert type', input.alertType, DISPUTE_ALERT_TYPES, 'dispute'),
      amount: updated.amount,
      currency: updated.currency,
      created_at: now,
    };
    this.events.publish('dispute_alert.created', updated.company_id, { kind: 'dispute_alert', record: alert });
    return alert;
  }

  /**
   * `invoice.past_due`: the membership's open invoice (or a new one for its renewal price)
   * becomes past due. `invoice.paid`: its past-due or open invoice (or a new one) is paid.
   */
  invoice(membershipId: string, status: Extract<InvoiceStatus, 'past_due' | 'paid'>): InvoiceRecord {
    const membership = this.memberships.get(membershipId);
    const plan = this.state.getPlan(membership.plan_id);
    if (!plan) throw new NotFoundError(`Plan ${membership.plan_id} was not found.`);
    const open = this.state
      .invoicesOfMembership(membership.id)
      .filter((i) => i.status === 'open' || i.status === 'past_due')
      .at(-1);
    const now = new Date().toISOString();
    const before: InvoiceRecord = open ?? {
      id: newId('inv'),
      membership_id: membership.id,
      company_id: membership.company_id,
      number: `INV-${String(this.state.invoicesOfMembership(membership.id).length + 1).padStart(4, '0')}`,
      status: 'open',
      amount: centsToAmount(plan.renewal_price_cents, plan.currency),
      currency: plan.currency,
      due_date: membership.renewal_period_end ?? now,
      created_at: now,
      updated_at: now,
    };
    const after = this.state.saveInvoice({
      ...before,
      status,
      updated_at: open ? nextTimestamp(before.updated_at) : now,
    });
    this.events.publish(`invoice.${status}`, after.company_id, { kind: 'invoice', record: after, before: open });
    return after;
  }

  private refundedMinor(payment: PaymentRecord, statuses: RefundStatus[]): bigint {
    return this.state
      .refundsOfPayment(payment.id)
      .filter((r) => statuses.includes(r.status))
      .reduce((sum, r) => sum + amountToMinor(r.amount, r.currency), 0n);
  }

  /** The payment's refunded amount and substatus from its succeeded refunds. */
  private settlePayment(payment: PaymentRecord): void {
    const refunded = this.refundedMinor(payment, ['succeeded']);
    const total = amountToMinor(payment.amount, payment.currency);
    const substatus = refunded === 0n ? 'succeeded' : refunded >= total ? 'refunded' : 'partially_refunded';
    const refundedAmount = refunded === 0n ? null : minorToAmount(refunded, payment.currency);
    if (payment.substatus === substatus && payment.refunded_amount === refundedAmount) return;
    this.state.updatePayment(payment.id, {
      substatus,
      refunded_amount: refundedAmount,
      refunded_at: refunded === 0n ? null : new Date().toISOString(),
      updated_at: nextTimestamp(payment.updated_at),
    });
  }
}
