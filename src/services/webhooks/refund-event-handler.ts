/**
 * `refund.created` / `refund.updated`: the refund is stored under Whop's id, and its payment
 * shows what was refunded (all succeeded refunds together, never less than Whop reported).
 * Idempotent and safe out of order: a change older than the stored one is skipped, a final
 * status (succeeded, failed, canceled) is never replaced by pending, and a refund that arrives
 * before its payment is kept and counted when the payment is recorded.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { toRefund } from '../whop/whop-shapes/index.ts';
import { eventTime, isLegacy, type HandledEnvelope } from './event-types.ts';
import { processed, skipped, type EventResult } from './event-results.ts';
import { readData } from './shape-errors.ts';

export function createRefundEventHandler(deps: { sequelize: Sequelize; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return {
    async handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
      const r = readData('refund', () => toRefund(envelope.data, { legacy: isLegacy(envelope) }));
      const eventAt = r.updatedAt ?? eventTime(envelope) ?? new Date(now());
      const stored = await deps.sequelize.query(
        `INSERT INTO refunds (whop_refund_id, whop_payment_id, amount, currency, status, whop_created_at, event_at)
         VALUES (:id, :paymentId, CAST(:amount AS numeric), :currency, :status, :createdAt, :eventAt)
         ON CONFLICT (whop_refund_id) DO UPDATE SET
           whop_payment_id = coalesce(EXCLUDED.whop_payment_id, refunds.whop_payment_id), amount = EXCLUDED.amount,
             currency = EXCLUDED.currency,
           status = EXCLUDED.status, event_at = EXCLUDED.event_at, updated_at = now()
         WHERE refunds.event_at <= EXCLUDED.event_at
           AND NOT (refunds.status IN ('succeeded', 'failed', 'canceled') AND EXCLUDED.status IN ('pending',
             'requires_action'))
         RETURNING whop_refund_id`,
        {
          replacements: {
            id: r.id,
            paymentId: r.paymentId,
            amount: r.amount,
            currency: r.currency,
            status: r.status,
            createdAt: r.createdAt,
            eventAt,
          },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      if (stored.length === 0) return skipped(`refund ${r.id}: older than what is stored`);
      if (!r.paymentId)
        return processed(`refund ${r.id} ${r.status} (${r.amount} ${r.currency}) recorded; it names no payment`);
      const [payment] = await deps.sequelize.query<{ amount: string; refunded_amount: string; whole: boolean }>(
        `UPDATE payments SET refunded_amount = greatest(refunded_amount,
                  (SELECT coalesce(sum(amount), 0) FROM refunds WHERE whop_payment_id = :paymentId
                    AND status = 'succeeded')), updated_at = now()
          WHERE whop_payment_id = :paymentId
          RETURNING amount, refunded_amount, refunded_amount >= amount AS whole`,
        { replacements: { paymentId: r.paymentId }, type: QueryTypes.SELECT, transaction },
      );
      if (!payment)
        return processed(
          `refund ${r.id} ${r.status} (${r.amount} ${r.currency}) recorded; payment ${r.paymentId} not recorded ` +
            `yet, counted when it is`,
        );
      const state =
        Number(payment.refunded_amount) === 0 ? 'not refunded' : payment.whole ? 'refunded in full' : 'partly refunded';
      return processed(
        `refund ${r.id} ${r.status}: payment ${r.paymentId} ${state} (${payment.refunded_amount} of ` +
          `${payment.amount} ${r.currency})`,
      );
    },
  };
}
