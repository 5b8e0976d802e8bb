/**
 * The money part of the admin overview: revenue per currency over the last REVENUE_DAYS days
 * (succeeded payments, net of what refunds took back; currencies never added together), the
 * open disputes (nearest response deadline first) and the recent dispute alerts, in one query.
 * Sums run in NUMERIC and come back as text, so no amount passes through a float.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { OPEN_DISPUTE_STATUSES } from '../whop/whop-shapes/index.ts';

/** Revenue counts succeeded payments paid in this many days. */
export const REVENUE_DAYS = 30;
export const OPEN_DISPUTES_SHOWN = 25;

/**
 * One currency's revenue: never added to another currency's. Amounts are exact decimal text in major units, at the
 * places the currency's payments carry.
 */
export interface CurrencyRevenue {
  currency: string;
  payments: number;
  gross: string;
  refunded: string;
  /** gross − refunded. */
  net: string;
}

export interface OpenDispute {
  whopDisputeId: string;
  whopPaymentId: string | null;
  companyName: string | null;
  whopCompanyId: string | null;
  amount: string;
  currency: string;
  status: string;
  reason: string | null;
  needsResponseBy: Date | null;
}

export interface Finances {
  days: number;
  revenue: CurrencyRevenue[];
  openDisputes: OpenDispute[];
  /** Dispute alerts received in the same period. */
  disputeAlerts: number;
}

type Numeric = string | number | null;
const num = (value: Numeric | undefined) => Number(value ?? 0);

interface RevenueJson {
  currency: string;
  payments: Numeric;
  gross: string;
  refunded: string;
  net: string;
}
interface DisputeJson {
  whop_dispute_id: string;
  whop_payment_id: string | null;
  whop_company_id: string | null;
  company_name: string | null;
  amount: string;
  currency: string;
  status: string;
  reason: string | null;
  needs_response_by: string | null;
}

export function createFinancesQuery(deps: { sequelize: Sequelize; now: () => Date }): () => Promise<Finances> {
  const { sequelize, now } = deps;
  return async function finances(): Promise<Finances> {
    const [row] = await sequelize.query<{
      revenue: RevenueJson[] | null;
      disputes: DisputeJson[] | null;
      alerts: Numeric;
    }>(
      `SELECT
         (SELECT json_agg(r ORDER BY r.currency) FROM (
            SELECT currency, count(*) AS payments, round(sum(amount), max(amount_decimals))::text AS gross,
                   round(sum(least(refunded_amount, amount)), max(amount_decimals))::text AS refunded,
                   round(sum(amount) - sum(least(refunded_amount, amount)), max(amount_decimals))::text AS net
              FROM payments WHERE status = 'succeeded'
                AND paid_at > CAST(:now AS timestamptz) - make_interval(days => :days)
             GROUP BY currency) r) AS revenue,
         (SELECT json_agg(d) FROM (
            SELECT d.whop_dispute_id, d.whop_payment_id, d.whop_company_id, c.company_name, d.amount::text AS amount,
              d.currency, d.status, d.reason, d.needs_response_by
              FROM disputes d LEFT JOIN creators c ON c.id = d.creator_id
             WHERE d.status IN (:openStatuses)
             ORDER BY d.needs_response_by ASC NULLS LAST, d.id ASC LIMIT :shown) d) AS disputes,
         (SELECT count(*) FROM dispute_alerts
           WHERE created_at > CAST(:now AS timestamptz) - make_interval(days => :days)) AS alerts`,
      {
        replacements: {
          now: now(),
          days: REVENUE_DAYS,
          shown: OPEN_DISPUTES_SHOWN,
          openStatuses: [...OPEN_DISPUTE_STATUSES],
        },
        type: QueryTypes.SELECT,
      },
    );
    return {
      days: REVENUE_DAYS,
      revenue: (row?.revenue ?? []).map((r) => ({
        currency: r.currency,
        payments: num(r.payments),
        gross: r.gross,
        refunded: r.refunded,
        net: r.net,
      })),
      openDisputes: (row?.disputes ?? []).map((d) => ({
        whopDisputeId: d.whop_dispute_id,
        whopPaymentId: d.whop_payment_id,
        companyName: d.company_name,
        whopCompanyId: d.whop_company_id,
        amount: d.amount,
        currency: d.currency,
        status: d.status,
        reason: d.reason,
        needsResponseBy: d.needs_response_by ? new Date(d.needs_response_by) : null,
      })),
      disputeAlerts: num(row?.alerts),
    };
  };
}
