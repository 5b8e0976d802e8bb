/**
 * `invoice.past_due` / `invoice.paid` for Chronos plans: like a failed or successful plan
 * payment, they start or end the creator's grace period. The invoice is remembered so a late
 * `past_due` of an invoice already paid (or older than the stored change, by the envelope's
 * `timestamp`: invoices carry no `updated_at`) changes nothing. Invoices of creators' own
 * companies are not Chronos plans and are ignored. An invoice without a user (`user: null`)
 * is matched by its email address to a creator's owner, or settled with the reason recorded.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import { toInvoice } from '../whop/whop-shapes/index.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import { canonicalType, envelopeCompany, eventTime, type HandledEnvelope } from './event-types.ts';
import { ignored, processed, skipped, type EventResult } from './event-results.ts';
import { readData } from './shape-errors.ts';

export function createInvoiceEventHandler(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'User'>;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function ownerOf(
    userId: string | null,
    email: string | null,
    transaction: Transaction,
  ): Promise<{ creator: Creator; userId: string } | null> {
    let whopUserId = userId;
    if (!whopUserId && email)
      whopUserId = (await deps.models.User.findOne({ where: { email }, transaction }))?.whopUserId ?? null;
    if (!whopUserId) return null;
    const creator = await deps.tiers.creatorOwnedBy(whopUserId, transaction);
    return creator ? { creator, userId: whopUserId } : null;
  }

  return {
    async handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
      const invoice = readData('invoice', () => toInvoice(envelope.data));
      const companyId = envelopeCompany(envelope);
      if (companyId !== deps.chronosCompanyId)
        return ignored(`invoice ${invoice.id} of ${companyId ?? 'an unnamed company'}: not a Chronos plan`);
      const status = canonicalType(envelope.type) === 'invoice.paid' ? 'paid' : 'past_due';
      const eventAt = eventTime(envelope) ?? new Date(now());
      const stored = await deps.sequelize.query(
        `INSERT INTO plan_invoices (whop_invoice_id, whop_user_id, status, event_at) VALUES (:id, :userId, :status,
                :eventAt)
         ON CONFLICT (whop_invoice_id) DO UPDATE SET status = EXCLUDED.status, event_at = EXCLUDED.event_at,
           whop_user_id = coalesce(EXCLUDED.whop_user_id, plan_invoices.whop_user_id), updated_at = now()
         WHERE plan_invoices.event_at <= EXCLUDED.event_at AND (plan_invoices.status <> 'paid'
           OR EXCLUDED.status = 'paid')
         RETURNING whop_invoice_id`,
        {
          replacements: { id: invoice.id, userId: invoice.userId, status, eventAt },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      if (stored.length === 0)
        return skipped(`invoice ${invoice.id} ${status}: older than what is stored, or already paid`);
      const owner = await ownerOf(invoice.userId, invoice.email, transaction);
      if (!owner)
        return processed(
          `invoice ${invoice.id} ${status} recorded; ` +
            `${invoice.userId ?? 'no user (deleted account), no known address'}: no creator to act on`,
        );
      const { creator, userId } = owner;
      if (status === 'past_due') {
        const started = await deps.grace.start(creator, transaction);
        return processed(
          `invoice ${invoice.id} past due: creator ${creator.id} grace period ` +
            `${started ? 'started' : 'already running'}`,
        );
      }
      await deps.grace.end(creator, transaction);
      const change = await deps.tiers.applyStoredPlan(creator, userId, transaction);
      return processed(`invoice ${invoice.id} paid: creator ${creator.id} in good standing, tier ${change.after}`);
    },
  };
}
