/**
 * `dispute.created` / `dispute.updated` and `dispute_alert.created`: recorded under Whop's ids
 * for the admin page (open disputes). A dispute change older than the stored one is skipped
 * (ordering key: the dispute's `updated_at`, else the envelope's `timestamp`); an alert is
 * recorded once.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { toDispute, toDisputeAlert } from '../whop/whop-shapes/index.ts';
import { envelopeCompany, eventTime, isLegacy, type HandledEnvelope } from './event-types.ts';
import { processed, skipped, type EventResult } from './event-results.ts';
import { readData } from './shape-errors.ts';

export function createDisputeEventHandler(deps: { sequelize: Sequelize; now?: () => number }) {
  const now = deps.now ?? Date.now;

  async function dispute(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
    const d = readData('dispute', () =>
      toDispute(envelope.data, { companyId: envelopeCompany(envelope), legacy: isLegacy(envelope) }),
    );
    const eventAt = d.updatedAt ?? eventTime(envelope) ?? new Date(now());
    const companyId = envelopeCompany(envelope) ?? d.companyId;
    const stored = await deps.sequelize.query(
      `INSERT INTO disputes (whop_dispute_id, whop_payment_id, whop_company_id, creator_id, amount, currency, status,
              reason, needs_response_by, whop_created_at, event_at)
       VALUES (:id, :paymentId, :companyId, (SELECT id FROM creators WHERE whop_company_id = :companyId),
         CAST(:amount AS numeric), :currency, :status, :reason, :needsResponseBy, :createdAt, :eventAt)
       ON CONFLICT (whop_dispute_id) DO UPDATE SET
         whop_payment_id = coalesce(EXCLUDED.whop_payment_id, disputes.whop_payment_id),
           whop_company_id = coalesce(EXCLUDED.whop_company_id, disputes.whop_company_id),
         creator_id = coalesce(disputes.creator_id, EXCLUDED.creator_id), amount = EXCLUDED.amount,
           currency = EXCLUDED.currency, status = EXCLUDED.status,
         reason = coalesce(EXCLUDED.reason, disputes.reason), needs_response_by = EXCLUDED.needs_response_by,
           event_at = EXCLUDED.event_at, updated_at = now()
       WHERE disputes.event_at <= EXCLUDED.event_at
       RETURNING whop_dispute_id`,
      {
        replacements: {
          id: d.id,
          paymentId: d.paymentId,
          companyId,
          amount: d.amount,
          currency: d.currency,
          status: d.status.slice(0, 50),
          reason: d.reason,
          needsResponseBy: d.needsResponseBy,
          createdAt: d.createdAt,
          eventAt,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    if (stored.length === 0) return skipped(`dispute ${d.id}: older than what is stored`);
    return processed(
      `dispute ${d.id} ${d.status} (${d.amount} ${d.currency}) on payment ${d.paymentId ?? '(none named)'}`,
    );
  }

  async function alert(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
    const a = readData('dispute alert', () => toDisputeAlert(envelope.data, { legacy: isLegacy(envelope) }));
    const rows = await deps.sequelize.query(
      `INSERT INTO dispute_alerts (whop_alert_id, alert_type, whop_payment_id, whop_dispute_id, whop_company_id,
              amount, currency, whop_created_at)
       VALUES (:id, :alertType, :paymentId, :disputeId, :companyId, CAST(:amount AS numeric), :currency, :createdAt)
       ON CONFLICT (whop_alert_id) DO NOTHING RETURNING whop_alert_id`,
      {
        replacements: {
          id: a.id,
          alertType: a.alertType.slice(0, 50),
          paymentId: a.paymentId,
          disputeId: a.disputeId,
          companyId: envelopeCompany(envelope),
          amount: a.amount,
          currency: a.currency,
          createdAt: a.createdAt,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return rows.length > 0
      ? processed(`dispute alert ${a.id} (${a.alertType}) on payment ${a.paymentId ?? '(none named)'} recorded`)
      : skipped(`dispute alert ${a.id}: already recorded`);
  }

  return {
    handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
      return envelope.type === 'dispute_alert.created' ? alert(envelope, transaction) : dispute(envelope, transaction);
    },
  };
}
