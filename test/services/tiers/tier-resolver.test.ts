import { expect } from 'chai';
import { resolveTier } from '../../../src/services/tiers/tier-resolver.ts';
import type { WhopMembership } from '../../../src/services/whop/whop-membership.ts';
import { isValidMembershipStatus } from '../../../src/services/whop/whop-membership.ts';

const PRODUCTS = { prod_basic: 'basic', prod_pro: 'pro', plan_enterprise_yearly: 'enterprise' } as const;

function membership(fields: Partial<WhopMembership> & { productId: string }): WhopMembership {
  const status = fields.status ?? 'active';
  return {
    id: `mem_${Math.random().toString(36).slice(2)}`,
    status,
    valid: isValidMembershipStatus(status),
    companyId: 'biz_chronos',
    companyTitle: 'Chronos',
    planId: null,
    userId: 'user_1',
    userEmail: null,
    username: null,
    updatedAt: new Date(),
    createdAt: new Date(),
    renewalPeriodEnd: null,
    cancelAtPeriodEnd: false,
    ...fields,
  };
}

describe('resolveTier (Chronos plan memberships → tier)', () => {
  it('is free with no memberships', () => {
    expect(resolveTier([], 'biz_chronos', PRODUCTS)).to.deep.equal({ tier: 'free', membership: null });
  });

  it('never grants a paid tier for a product that is not in the map', () => {
    expect(resolveTier([membership({ productId: 'prod_unknown' })], 'biz_chronos', PRODUCTS).tier).to.equal('free');
  });

  it('takes the best tier among several valid memberships', () => {
    const pro = membership({ productId: 'prod_pro' });
    const result = resolveTier(
      [membership({ productId: 'prod_basic' }), pro, membership({ productId: 'prod_basic' })],
      'biz_chronos',
      PRODUCTS,
    );
    expect(result.tier).to.equal('pro');
    expect(result.membership).to.equal(pro);
  });

  it('counts active, trialing, canceling and completed (a one-time purchase) as valid, and nothing else (past_due: the grace period holds the tier)', () => {
    for (const status of ['active', 'trialing', 'canceling', 'completed'])
      expect(
        resolveTier([membership({ productId: 'prod_pro', status })], 'biz_chronos', PRODUCTS).tier,
        status,
      ).to.equal('pro');
    for (const status of ['canceled', 'expired', 'past_due', 'unresolved', 'drafted']) {
      expect(
        resolveTier([membership({ productId: 'prod_pro', status })], 'biz_chronos', PRODUCTS).tier,
        status,
      ).to.equal('free');
    }
  });

  it('maps plan ids as well as product ids', () => {
    expect(
      resolveTier([membership({ productId: 'prod_other', planId: 'plan_enterprise_yearly' })], 'biz_chronos', PRODUCTS)
        .tier,
    ).to.equal('enterprise');
  });

  it('ignores memberships of other companies, even of a mapped product id', () => {
    expect(
      resolveTier([membership({ productId: 'prod_pro', companyId: 'biz_creator1' })], 'biz_chronos', PRODUCTS).tier,
    ).to.equal('free');
  });
});
