/**
 * Records a payment event (unique Whop payment id; the exact amount in any currency) and acts on
 * it: a Chronos plan payment that failed starts the creator's grace period, one that succeeded
 * ends it; students' payments get a receipt or a failure notice. `payment.authorized` and
 * `payment.canceled` are recorded. A payment never moves back from a final status (succeeded,
 * failed, canceled) to created/pending/authorized; refunds already recorded count at once.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import { roundedMinorUnits, toPayment, type Payment } from '../whop/whop-shapes/index.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import type { BrandingService } from '../branding/branding-service.ts';
import { enqueueEmail, isMailableAddress } from '../email/email-outbox.ts';
import { InvalidEmailError } from '../email/email-templates.ts';
import { canonicalType, envelopeCompany, isLegacy, type HandledEnvelope } from './event-types.ts';
import { PermanentEventError, processed, skipped, type EventResult } from './event-results.ts';
import { readData } from './shape-errors.ts';
import { legacyAmountDecimals } from '../../domain/currency-precision.ts';

type PaymentStatus = 'created' | 'pending' | 'authorized' | 'succeeded' | 'failed' | 'canceled';
const STATUS_OF_TYPE: Record<string, PaymentStatus> = {
  'payment.created': 'created',
  'payment.pending': 'pending',
  'payment.authorized': 'authorized',
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
  'payment.canceled': 'canceled',
};

export interface PaymentHandlerDeps {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'EmailOutbox'>;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  appUrl: string;
  /** Chronos's clock (ms): when a succeeded payment names no paid time, it was paid when Chronos learned of it. */
  now: () => number;
  /** The creator's branding on their students' receipts (Pro and up); absent: mails are unbranded. */
  branding?: Pick<BrandingService, 'forEmail'>;
}

/** The conventional (2 or 0 places) rounded minor units older pages read; the exact amount is `amount`. */
function legacyMinorUnits(p: Payment): number {
  const units = roundedMinorUnits(p.amount, legacyAmountDecimals(p.currency));
  if (units > BigInt(Number.MAX_SAFE_INTEGER))
    throw new PermanentEventError(`payment ${p.id} cannot be recorded: amount too large`);
  return Number(units);
}

export function createPaymentEventHandler(deps: PaymentHandlerDeps) {
  /** Upserts the payment row; false when a final status is already stored and this one is earlier. */
  async function record(
    p: Payment,
    status: PaymentStatus,
    creatorId: number | null,
    transaction: Transaction,
  ): Promise<boolean> {
    const rows = await deps.sequelize.query(
      `INSERT INTO payments (whop_payment_id, creator_id, whop_company_id, whop_user_id, whop_membership_id,
              whop_product_id, whop_plan_id, amount_minor, amount, amount_decimals,
                             refunded_amount, currency, status, whop_status, failure_message, paid_at, whop_updated_at)
       VALUES (:id, :creatorId, :companyId, :userId, :membershipId, :productId, :planId, :amountMinor,
         CAST(:amount AS numeric), :decimals,
               greatest(CAST(:refunded AS numeric), (SELECT coalesce(sum(r.amount), 0) FROM refunds r
                 WHERE r.whop_payment_id = :id AND r.status = 'succeeded')),
               :currency, :status, :whopStatus, :failureMessage, :paidAt, :updatedAt)
       ON CONFLICT (whop_payment_id) DO UPDATE SET
         status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor, amount = EXCLUDED.amount,
           amount_decimals = EXCLUDED.amount_decimals,
         currency = EXCLUDED.currency, whop_status = coalesce(EXCLUDED.whop_status, payments.whop_status),
           failure_message = EXCLUDED.failure_message,
         refunded_amount = greatest(payments.refunded_amount, EXCLUDED.refunded_amount),
         whop_plan_id = coalesce(EXCLUDED.whop_plan_id, payments.whop_plan_id),
           whop_user_id = coalesce(EXCLUDED.whop_user_id, payments.whop_user_id),
         paid_at = coalesce(EXCLUDED.paid_at, payments.paid_at), whop_updated_at = EXCLUDED.whop_updated_at,
         creator_id = coalesce(payments.creator_id, EXCLUDED.creator_id), updated_at = now()
       WHERE payments.status NOT IN ('succeeded', 'failed', 'canceled', 'refunded') OR EXCLUDED.status IN ('succeeded',
         'failed', 'canceled')
       RETURNING whop_payment_id`,
      {
        replacements: {
          id: p.id,
          creatorId,
          companyId: p.companyId,
          userId: p.userId,
          membershipId: p.membershipId,
          productId: p.productId,
          planId: p.planId,
          amountMinor: legacyMinorUnits(p),
          amount: p.amount,
          decimals: p.decimals,
          refunded: p.refundedAmount ?? '0',
          currency: p.currency,
          status,
          whopStatus: p.whopStatus,
          failureMessage: p.failureMessage,
          paidAt: status === 'succeeded' ? (p.paidAt ?? new Date(deps.now())) : p.paidAt,
          updatedAt: p.updatedAt,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return rows.length > 0;
  }

  const money = (p: Payment) => ({
    amount: p.amount,
    currency: p.currency,
    ...(p.productTitle ? { productTitle: p.productTitle } : {}),
  });

  async function notify(
    p: Payment,
    status: PaymentStatus,
    to: string | null | undefined,
    transaction: Transaction,
    brand: { branding?: unknown } = {},
  ): Promise<void> {
    if (!isMailableAddress(to)) return;
    if (status === 'succeeded') {
      await enqueueEmail(
        deps.models,
        {
          dedupeKey: `receipt:${p.id}`,
          template: 'receipt',
          to,
          payload: {
            ...money(p),
            paymentId: p.id,
            paidAt: (p.paidAt ?? new Date(deps.now())).toISOString(),
            ...brand,
          },
        },
        { transaction, appUrl: deps.appUrl },
      );
    } else if (status === 'failed') {
      await enqueueEmail(
        deps.models,
        {
          dedupeKey: `payment_failed:${p.id}`,
          template: 'payment_failed',
          to,
          payload: { ...money(p), ...(p.failureMessage ? { failureMessage: p.failureMessage } : {}), ...brand },
        },
        { transaction, appUrl: deps.appUrl },
      );
    }
  }

  async function planPayment(
    p: Payment,
    status: PaymentStatus,
    creator: Creator | null,
    transaction: Transaction,
  ): Promise<string> {
    if (!p.userId) return 'the payment names no user (deleted account): recorded, no creator to act on';
    if (!creator) return 'no creator runs on this plan yet';
    if (status === 'failed')
      return (await deps.grace.start(creator, transaction))
        ? `creator ${creator.id}: grace period started`
        : `creator ${creator.id}: grace period already running`;
    if (status === 'succeeded') {
      await deps.grace.end(creator, transaction);
      const change = await deps.tiers.applyStoredPlan(creator, p.userId, transaction);
      return `creator ${creator.id}: in good standing, tier ${change.after}`;
    }
    return `creator ${creator.id}`;
  }

  return {
    async handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
      const p = readData('payment', () =>
        toPayment(envelope.data, { companyId: envelopeCompany(envelope), legacy: isLegacy(envelope) }),
      );
      const status = STATUS_OF_TYPE[canonicalType(envelope.type)] ?? 'created';
      const companyId = envelopeCompany(envelope) ?? p.companyId;
      const isPlan = companyId === deps.chronosCompanyId;
      const creator = isPlan
        ? p.userId
          ? await deps.tiers.creatorOwnedBy(p.userId, transaction)
          : null
        : companyId
          ? await deps.models.Creator.findOne({ where: { whopCompanyId: companyId }, transaction })
          : null;
      if (!(await record({ ...p, companyId }, status, creator?.id ?? null, transaction)))
        return skipped(
          `payment ${p.id}: already ${['created', 'pending', 'authorized'].includes(status) ? 'final' : 'recorded'}`,
        );
      // A failed charge of a creator's Chronos plan is told once, by the grace-period email
      // (queued by whichever of payment.failed / invoice.past_due arrives first, keyed by the
      // grace period), not a second time as a plain payment failure.
      const toldByGracePeriod = isPlan && creator !== null && status === 'failed';
      // A student's payment to a creator carries the creator's branding; Chronos's own plans never do.
      const brand = !isPlan && creator ? await deps.branding?.forEmail(creator.id, transaction) : undefined;
      if (!toldByGracePeriod)
        await notify(p, status, p.userEmail, transaction, brand).catch((error: unknown) => {
          // A mail that cannot be written (a currency no mail can show) never holds the payment back.
          if (!(error instanceof InvalidEmailError)) throw error;
        });
      const detail = isPlan
        ? await planPayment(p, status, creator, transaction)
        : creator
          ? `creator ${creator.id}`
          : `no creator has onboarded ${companyId ?? 'this company'}`;
      return processed(`payment ${p.id} ${status} (${p.amount} ${p.currency}): ${detail}`);
    },
  };
}
