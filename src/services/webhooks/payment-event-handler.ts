/**
 * Records a payment event (unique Whop payment id, amount in minor units) and acts on it: a
 * Chronos plan payment that failed starts the creator's grace period, one that succeeded ends
 * it; students' payments get a receipt or a failure notice. A payment never moves back from
 * succeeded/failed to created/pending.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ZodError } from 'zod';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import { parseWhopPayment, type WhopPayment } from '../whop/whop-payment.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import { enqueueEmail, isMailableAddress } from '../email/email-outbox.ts';
import { canonicalType } from './event-types.ts';
import { PermanentEventError, processed, skipped, type EventResult } from './event-results.ts';

type PaymentStatus = 'created' | 'pending' | 'succeeded' | 'failed';
const STATUS_OF_TYPE: Record<string, PaymentStatus> = { 'payment.created': 'created', 'payment.pending': 'pending', 'payment.succeeded': 'succeeded', 'payment.failed': 'failed' };

export interface PaymentHandlerDeps {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'EmailOutbox'>;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  appUrl: string;
}

function paymentOf(data: unknown): WhopPayment {
  try {
    return parseWhopPayment(data);
  } catch (error) {
    if (error instanceof ZodError) throw new PermanentEventError(`data is not a payment: ${error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    // Anything else parsing refuses (an amount too large to hold) cannot succeed on a retry either.
    throw new PermanentEventError(`payment cannot be recorded: ${(error as Error).message}`);
  }
}

export function createPaymentEventHandler(deps: PaymentHandlerDeps) {
  /** Upserts the payment row; false when a final status is already stored and this one is earlier. */
  async function record(p: WhopPayment, status: PaymentStatus, creatorId: number | null, transaction: Transaction): Promise<boolean> {
    const rows = await deps.sequelize.query(
      `INSERT INTO payments (whop_payment_id, creator_id, whop_company_id, whop_user_id, whop_membership_id, whop_product_id, amount_minor, currency, status, failure_message, paid_at, whop_updated_at)
       VALUES (:id, :creatorId, :companyId, :userId, :membershipId, :productId, :amountMinor, :currency, :status, :failureMessage, :paidAt, :updatedAt)
       ON CONFLICT (whop_payment_id) DO UPDATE SET
         status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency, failure_message = EXCLUDED.failure_message,
         paid_at = coalesce(EXCLUDED.paid_at, payments.paid_at), whop_updated_at = EXCLUDED.whop_updated_at,
         creator_id = coalesce(payments.creator_id, EXCLUDED.creator_id), updated_at = now()
       WHERE payments.status NOT IN ('succeeded', 'failed', 'refunded') OR EXCLUDED.status IN ('succeeded', 'failed')
       RETURNING whop_payment_id`,
      {
        replacements: {
          id: p.id, creatorId, companyId: p.companyId, userId: p.userId, membershipId: p.membershipId, productId: p.productId,
          amountMinor: p.amountMinor, currency: p.currency, status, failureMessage: p.failureMessage,
          paidAt: status === 'succeeded' ? (p.paidAt ?? new Date()) : p.paidAt, updatedAt: p.updatedAt,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return rows.length > 0;
  }

  const money = (p: WhopPayment) => ({ amountMinor: p.amountMinor, currency: p.currency, ...(p.productTitle ? { productTitle: p.productTitle } : {}) });

  async function notify(p: WhopPayment, status: PaymentStatus, to: string | null | undefined, transaction: Transaction): Promise<void> {
    if (!isMailableAddress(to)) return;
    if (status === 'succeeded') {
      await enqueueEmail(deps.models, { dedupeKey: `receipt:${p.id}`, template: 'receipt', to, payload: { ...money(p), paymentId: p.id, paidAt: (p.paidAt ?? new Date()).toISOString() } }, { transaction, appUrl: deps.appUrl });
    } else if (status === 'failed') {
      await enqueueEmail(deps.models, { dedupeKey: `payment_failed:${p.id}`, template: 'payment_failed', to, payload: { ...money(p), ...(p.failureMessage ? { failureMessage: p.failureMessage } : {}) } }, { transaction, appUrl: deps.appUrl });
    }
  }

  async function planPayment(p: WhopPayment, status: PaymentStatus, creator: Creator | null, transaction: Transaction): Promise<string> {
    if (!creator || !p.userId) return 'no creator runs on this plan yet';
    if (status === 'failed') return (await deps.grace.start(creator, transaction)) ? `creator ${creator.id}: grace period started` : `creator ${creator.id}: grace period already running`;
    if (status === 'succeeded') {
      await deps.grace.end(creator, transaction);
      const change = await deps.tiers.applyStoredPlan(creator, p.userId, transaction);
      return `creator ${creator.id}: in good standing, tier ${change.after}`;
    }
    return `creator ${creator.id}`;
  }

  return {
    async handle(envelope: { type: string; company_id?: string | null; data: unknown }, transaction: Transaction): Promise<EventResult> {
      const p = paymentOf(envelope.data);
      const status = STATUS_OF_TYPE[canonicalType(envelope.type)] ?? 'created';
      const companyId = envelope.company_id ?? p.companyId;
      const isPlan = companyId === deps.chronosCompanyId;
      const creator = isPlan
        ? p.userId ? await deps.tiers.creatorOwnedBy(p.userId, transaction) : null
        : companyId ? await deps.models.Creator.findOne({ where: { whopCompanyId: companyId }, transaction }) : null;
      if (!(await record(p, status, creator?.id ?? null, transaction))) return skipped(`payment ${p.id}: already ${status === 'created' || status === 'pending' ? 'final' : 'recorded'}`);
      await notify(p, status, p.userEmail, transaction);
      const detail = isPlan ? await planPayment(p, status, creator, transaction) : creator ? `creator ${creator.id}` : `no creator has onboarded ${companyId ?? 'this company'}`;
      return processed(`payment ${p.id} ${status} (${p.amountMinor} ${p.currency}): ${detail}`);
    },
  };
}
