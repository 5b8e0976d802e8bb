/**
 * `GET /pricing`: the four tiers compared, for anyone; a signed-in creator sees their plan
 * marked, a checkout for every higher tier and Whop's link to change or cancel.
 * `GET /billing/return?tier=…`: where a creator lands after a checkout. The tier changes when
 * Whop's membership webhook is applied, so until then the page waits and refreshes itself.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { creatorOf } from '../middleware/require-creator.ts';
import { ValidationError } from '../domain/app-errors.ts';
import { TIER_TABLE, TIERS, tierRank, type Tier } from '../domain/tier-table.ts';
import { loginPath } from '../http/route-paths.ts';
import type { PlanPricesService } from '../services/pricing/plan-prices-service.ts';
import type { PlanManagementQuery } from '../services/pricing/plan-management-query.ts';
import type { CheckoutService } from '../services/pricing/checkout-service.ts';
import { formatBillingPeriod, formatPrice, pricingTable } from '../services/pricing/pricing-table.ts';

/** Seconds between the return page's checks while it waits for Whop's webhook. */
export const RETURN_REFRESH_SECONDS = 5;
/** After this long without the new tier, the return page says Whop is late. */
export const RETURN_LATE_AFTER_MS = 30_000;

const checkoutForm = z.object({
  tier: z.enum(TIERS.filter((t) => t !== 'free') as [Tier, ...Tier[]], { error: 'Choose a paid plan to upgrade to.' }),
});

const returnQuery = z.object({
  tier: z.enum(TIERS.filter((t) => t !== 'free') as [Tier, ...Tier[]]),
  /** When the creator first landed here (ms, Chronos's clock): carried by the refresh, to tell late from waiting. */
  since: z.coerce.number().int().nonnegative().optional(),
});

export function pricingController(deps: {
  planPrices: PlanPricesService;
  planManagement: PlanManagementQuery;
  checkout: CheckoutService;
  supportEmail: string | undefined;
  now: () => number;
}) {
  const show: RequestHandler = async (req, res) => {
    const current = req.currentUser;
    const creator = current?.creator ?? null;
    const table = pricingTable({
      prices: await deps.planPrices.prices(),
      currentTier: creator?.tier,
      supportContact: deps.supportEmail !== undefined,
    });
    res.render('pages/pricing', {
      title: 'Plans and pricing',
      table,
      signedIn: current !== undefined,
      isCreator: creator !== null,
      manageUrl: creator ? await deps.planManagement.manageUrlOf(creator) : null,
      loginHref: loginPath('/pricing'),
      formatPrice,
      formatBillingPeriod,
    });
  };

  /** Where the creator stands on the way back from a checkout of `tier`: arrived, waiting, or waiting too long. */
  function returnState(req: Parameters<RequestHandler>[0]) {
    const creator = creatorOf(req);
    const parsed = returnQuery.safeParse(req.query);
    if (!parsed.success) throw new ValidationError('This return link names no paid plan. See /pricing for the plans.');
    const { tier } = parsed.data;
    const now = deps.now();
    const since = parsed.data.since !== undefined && parsed.data.since <= now ? parsed.data.since : now;
    const currentTier: Tier = creator.tier;
    const arrived = tierRank(currentTier) >= tierRank(tier);
    return {
      tier,
      currentTier,
      arrived,
      late: !arrived && now - since >= RETURN_LATE_AFTER_MS,
      query: `tier=${tier}&since=${since}`,
    };
  }

  const checkoutReturn: RequestHandler = (req, res) => {
    const state = returnState(req);
    res.render('pages/billing-return', {
      title: state.arrived ? `You're now on ${TIER_TABLE[state.currentTier].name}` : 'Confirming your plan',
      arrived: state.arrived,
      late: state.late,
      wantedName: TIER_TABLE[state.tier].name,
      currentName: TIER_TABLE[state.currentTier].name,
      pollSeconds: RETURN_REFRESH_SECONDS,
      refreshUrl: `/billing/return?${state.query}`,
      statusUrl: `/billing/return/status?${state.query}`,
    });
  };

  /**
   * `GET /billing/return/status`: the same state as JSON, polled by the return page's script,
   * which reloads the page only when what it says changes (arrived, or late). A page that
   * refreshes itself on a timer (`<meta http-equiv="refresh">`) fails WCAG 2.2.1.
   */
  const checkoutReturnStatus: RequestHandler = (req, res) => {
    const state = returnState(req);
    res.json({ tier: state.currentTier, arrived: state.arrived, late: state.late });
  };

  /** `POST /pricing/checkout`: a Whop checkout of the chosen higher tier, which comes back to /billing/return. */
  const startCheckout: RequestHandler = async (req, res) => {
    const creator = creatorOf(req);
    const parsed = checkoutForm.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Choose a paid plan to upgrade to. See /pricing for the plans.');
    const url = await deps.checkout.purchaseUrlFor({
      tier: parsed.data.tier,
      currentTier: creator.tier,
      creatorId: creator.id,
    });
    res.redirect(303, url);
  };

  return { show, checkoutReturn, checkoutReturnStatus, startCheckout };
}
