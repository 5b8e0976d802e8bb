import { expect } from 'chai';
import { checkoutUrlAtLeast, upgradeUrlFor } from '../../src/services/build-services.ts';

const URLS = { basic: 'https://whop.com/checkout/basic', enterprise: 'https://whop.com/checkout/enterprise' };

describe('upgrade links', () => {
  it('point at the next tier up that has a checkout', () => {
    expect(upgradeUrlFor(URLS, 'free')).to.equal(URLS.basic);
    expect(upgradeUrlFor(URLS, 'basic')).to.equal(URLS.enterprise);
    expect(upgradeUrlFor(URLS, 'enterprise')).to.equal(null);
  });

  it('for a feature, point at the lowest tier that unlocks it (or higher)', () => {
    expect(checkoutUrlAtLeast(URLS, 'pro')).to.equal(URLS.enterprise);
    expect(checkoutUrlAtLeast(URLS, 'basic')).to.equal(URLS.basic);
    expect(checkoutUrlAtLeast({}, 'basic')).to.equal(null);
  });
});
