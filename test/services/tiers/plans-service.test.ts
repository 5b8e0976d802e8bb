import { expect } from 'chai';
import { createPlansService } from '../../../src/services/tiers/plans-service.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';

const URLS = { basic: 'https://whop.com/checkout/basic', enterprise: 'https://whop.com/checkout/enterprise' };
const USAGE = { videos: 3, storageBytes: 1024, aiCredits: 7, students: 2 };

describe('plans service', () => {
  const plans = createPlansService(URLS);

  it('sends an upgrade to the next tier up that has a checkout', () => {
    expect(plans.upgradeUrl('free')).to.equal(URLS.basic);
    expect(plans.upgradeUrl('basic')).to.equal(URLS.enterprise);
    expect(plans.upgradeUrl('enterprise')).to.equal(null);
  });

  it('sends a locked feature to the lowest tier that unlocks it, or a higher one with a checkout', () => {
    expect(plans.checkoutForFeature('custom_branding'), 'pro unlocks it; pro has no checkout').to.equal(
      URLS.enterprise,
    );
    expect(plans.checkoutForFeature('analytics'), 'basic unlocks it').to.equal(URLS.basic);
    expect(createPlansService({}).checkoutForFeature('analytics')).to.equal(null);
  });

  it("shows a creator's plan: the tier's name, limits and features, their usage and the upgrade link", () => {
    expect(plans.planOf('free', USAGE)).to.deep.equal({
      tier: 'free',
      tierName: 'Free',
      limits: TIER_TABLE.free.limits,
      usage: USAGE,
      features: TIER_TABLE.free.features,
      upgradeUrl: URLS.basic,
    });
    expect(plans.planOf('enterprise', USAGE).limits, 'unlimited is null').to.deep.equal({
      videos: null,
      storageBytes: null,
      aiCredits: null,
      students: null,
    });
  });
});
