import { expect } from 'chai';
import { createPlansService } from '../../../src/services/tiers/plans-service.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';

const URLS = { basic: 'https://whop.com/checkout/basic', enterprise: 'https://whop.com/checkout/enterprise' };
const PRICING = 'https://chronos.example/pricing';
const USAGE = { videos: 3, storageBytes: 1024, aiCredits: 7, students: 2 };

describe('plans service', () => {
  const plans = createPlansService({ checkoutUrls: URLS, pricingUrl: PRICING });

  it('sends every upgrade to the pricing page (never a static checkout), and none from the top tier', () => {
    expect(plans.upgradeUrl('free')).to.equal(PRICING);
    expect(plans.upgradeUrl('pro')).to.equal(PRICING);
    expect(plans.upgradeUrl('enterprise')).to.equal(null);
  });

  it('sends a locked feature to the pricing page, at the plan that unlocks it', () => {
    expect(plans.upgradeForFeature('custom_branding')).to.equal(`${PRICING}#plan-pro`);
    expect(plans.upgradeForFeature('analytics')).to.equal(`${PRICING}#plan-basic`);
    expect(plans.upgradeForFeature('priority_support')).to.equal(`${PRICING}#plan-enterprise`);
  });

  it('keeps the configured checkouts for the pricing page’s fallback only', () => {
    expect(plans.checkoutFor('basic')).to.equal(URLS.basic);
    expect(plans.checkoutFor('pro')).to.equal(null);
  });

  it("shows a creator's plan: the tier's name, limits and features, their usage and the upgrade link", () => {
    expect(plans.planOf('free', USAGE)).to.deep.equal({
      tier: 'free',
      tierName: 'Free',
      limits: TIER_TABLE.free.limits,
      usage: USAGE,
      features: TIER_TABLE.free.features,
      upgradeUrl: PRICING,
    });
    expect(plans.planOf('enterprise', USAGE).limits, 'unlimited is null').to.deep.equal({
      videos: null,
      storageBytes: null,
      aiCredits: null,
      students: null,
    });
  });
});
