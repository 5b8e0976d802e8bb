/**
 * Starting a creator's checkout of a higher tier. Whop's checkout configurations
 * (`POST /checkout_configurations` with `plan_id`, `redirect_url`, `metadata`) give a
 * `purchase_url` and send the buyer back to `redirect_url` once they have paid, so the creator
 * lands on `/billing/return?tier=…`. The return URL is built here from `APP_URL` and the tier
 * (an enum), never from the request, so there is no open redirect. When the tier's plan is not
 * known (Whop did not answer for prices) or Whop refuses the configuration, the tier's
 * configured checkout link is used instead, without the way back; with neither, the creator is
 * told checkout is unavailable.
 */
import type { Logger } from 'pino';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { PlanPricesService } from './plan-prices-service.ts';
import { errorMessage, ServiceUnavailableError, ValidationError } from '../../domain/app-errors.ts';
import { TIER_TABLE, tierRank, type Tier } from '../../domain/tier-table.ts';

export function checkoutReturnUrl(appUrl: string, tier: Tier): string {
  const url = new URL('/billing/return', appUrl);
  url.searchParams.set('tier', tier);
  return url.toString();
}

function isWebUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function createCheckoutService(deps: {
  whop: Pick<WhopApiClient, 'createCheckoutConfiguration'>;
  planPrices: Pick<PlanPricesService, 'prices'>;
  /** The tier's configured checkout link (WHOP_CHECKOUT_URLS), used when Whop cannot make one. */
  fallbackCheckoutFor: (tier: Tier) => string | null;
  appUrl: string;
  logger: Logger;
}) {
  return {
    /** Where to send a creator on `currentTier` who chose to upgrade to `tier`. */
    async purchaseUrlFor(input: { tier: Tier; currentTier: Tier; creatorId: number }): Promise<string> {
      const { tier, currentTier } = input;
      if (tierRank(tier) <= tierRank(currentTier))
        throw new ValidationError(
          `You are on ${TIER_TABLE[currentTier].name}, which already includes ${TIER_TABLE[tier].name}. To change ` +
            `or cancel, manage your plan on Whop.`,
        );
      const planId = (await deps.planPrices.prices())[tier]?.planId;
      if (planId) {
        try {
          const created = await deps.whop.createCheckoutConfiguration({
            planId,
            redirectUrl: checkoutReturnUrl(deps.appUrl, tier),
            metadata: { chronos_creator_id: String(input.creatorId), chronos_tier: tier },
          });
          if (isWebUrl(created.purchaseUrl)) return created.purchaseUrl;
          deps.logger.warn({ tier, checkoutId: created.id }, 'whop checkout configuration without a purchase url');
        } catch (error) {
          deps.logger.warn({ tier, err: { message: errorMessage(error) } }, 'whop checkout configuration not created');
        }
      }
      const fallback = deps.fallbackCheckoutFor(tier);
      if (fallback) return fallback;
      throw new ServiceUnavailableError(
        `Checkout for ${TIER_TABLE[tier].name} is not available right now. Please try again in a few minutes.`,
      );
    },
  };
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;
