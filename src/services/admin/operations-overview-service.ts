/**
 * The operations part of the admin page: webhook events of the last 24 hours by status, the
 * dead and failing ones (with their error, for replay), revenue from succeeded payments over 30
 * days by tier, and the last reconciliation run.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Models } from '../../models/init-models.ts';
import { TIERS, type Tier } from '../../domain/tier-table.ts';

export interface ProblemEvent {
  id: string;
  type: string;
  status: string;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  nextAttemptAt: Date;
}

export interface RecentEvent {
  id: string;
  type: string;
  status: string;
  outcome: string | null;
  receivedAt: Date;
}

export interface RevenueRow {
  tier: Tier;
  currency: string;
  /** Chronos plan payments whose product maps to this tier, net of refunds: an exact decimal in the currency's unit. */
  plan: string;
  /** Creators' student payments, by the creator's current tier, net of refunds (exact decimal). */
  students: string;
}

export function createOperationsOverviewService(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'ReconciliationRun'>;
  chronosCompanyId: string;
  tierProducts: Readonly<Record<string, Tier>>;
}) {
  const { sequelize } = deps;
  return {
    async eventsLast24h(): Promise<Record<string, number>> {
      const rows = await sequelize.query<{ status: string; count: string }>(
        "SELECT status, count(*) AS count FROM webhook_events WHERE received_at > now() - interval '24 hours' " +
          'GROUP BY status',
        { type: QueryTypes.SELECT },
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    },

    async problemEvents(limit = 25): Promise<ProblemEvent[]> {
      const rows = await sequelize.query<{
        id: string;
        type: string;
        status: string;
        attempts: number;
        last_error: string | null;
        received_at: Date;
        next_attempt_at: Date;
      }>(
        `SELECT id, type, status, attempts, last_error, received_at, next_attempt_at FROM webhook_events
          WHERE status = 'dead' OR (status = 'pending' AND attempts > 0)
          ORDER BY (status = 'dead') DESC, received_at DESC LIMIT :limit`,
        { replacements: { limit }, type: QueryTypes.SELECT },
      );
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        receivedAt: r.received_at,
        nextAttemptAt: r.next_attempt_at,
      }));
    },

    /** The latest events and what processing made of them (the `outcome` the worker recorded). */
    async recentEvents(limit = 20): Promise<RecentEvent[]> {
      const rows = await sequelize.query<{
        id: string;
        type: string;
        status: string;
        outcome: string | null;
        received_at: Date;
      }>(
        'SELECT id, type, status, outcome, received_at FROM webhook_events ORDER BY received_at DESC, id LIMIT :limit',
        { replacements: { limit }, type: QueryTypes.SELECT },
      );
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        status: r.status,
        outcome: r.outcome,
        receivedAt: r.received_at,
      }));
    },

    async revenue30d(): Promise<RevenueRow[]> {
      const productTiers = Object.entries(deps.tierProducts);
      const tierRows = productTiers.length
        ? productTiers.map((_, i) => `(:p${i}, :t${i})`).join(', ')
        : '(NULL::text, NULL::text)';
      // NUMERIC sums of the exact amounts Whop sent, net of refunds, at the places the currency's payments carry: a
      // tiny crypto amount never rounds away.
      const rows = await sequelize.query<{ tier: Tier; currency: string; plan: string; students: string }>(
        `WITH product_tiers(product_id, tier) AS (SELECT * FROM (VALUES ${tierRows}) AS v(product_id, tier))
         SELECT tier, currency, round(sum(plan_net), max(places))::text AS plan,
                round(sum(student_net), max(places))::text AS students FROM (
           SELECT pt.tier, p.currency, p.amount - p.refunded_amount AS plan_net, 0::numeric AS student_net,
             p.amount_decimals AS places
             FROM payments p JOIN product_tiers pt ON pt.product_id = p.whop_product_id
            WHERE p.status = 'succeeded' AND p.paid_at > now() - interval '30 days' AND p.whop_company_id = :chronos
           UNION ALL
           SELECT c.tier, p.currency, 0::numeric, p.amount - p.refunded_amount, p.amount_decimals
             FROM payments p JOIN creators c ON c.id = p.creator_id
            WHERE p.status = 'succeeded' AND p.paid_at > now() - interval '30 days' AND p.whop_company_id <> :chronos
         ) AS paid GROUP BY tier, currency`,
        {
          replacements: {
            chronos: deps.chronosCompanyId,
            ...Object.fromEntries(
              productTiers.flatMap(([product, tier], i) => [
                [`p${i}`, product],
                [`t${i}`, tier],
              ]),
            ),
          },
          type: QueryTypes.SELECT,
        },
      );
      return rows
        .map((r) => ({ tier: r.tier, currency: r.currency, plan: r.plan, students: r.students }))
        .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) || a.currency.localeCompare(b.currency));
    },

    lastReconciliation() {
      return deps.models.ReconciliationRun.findOne({
        order: [
          ['startedAt', 'DESC'],
          ['id', 'DESC'],
        ],
      });
    },
  };
}

export type OperationsOverviewService = ReturnType<typeof createOperationsOverviewService>;
