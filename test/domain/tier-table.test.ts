import { expect } from 'chai';
import {
  FEATURES,
  FEATURE_DESCRIPTIONS,
  TIER_TABLE,
  TIERS,
  hasFeature,
  nextTier,
  shownFeatures,
  tierUnlocking,
} from '../../src/domain/tier-table.ts';

const GB = 1024 ** 3;

describe('the tier table (SPEC §2)', () => {
  it('holds the limits of each tier, with null for unlimited and storage in bytes', () => {
    expect(TIER_TABLE.free.limits).to.deep.equal({ videos: 5, storageBytes: GB, aiCredits: 100, students: 10 });
    expect(TIER_TABLE.basic.limits).to.deep.equal({
      videos: 50,
      storageBytes: 10 * GB,
      aiCredits: 1000,
      students: 100,
    });
    expect(TIER_TABLE.pro.limits).to.deep.equal({
      videos: 500,
      storageBytes: 100 * GB,
      aiCredits: 10000,
      students: 1000,
    });
    expect(TIER_TABLE.enterprise.limits).to.deep.equal({
      videos: null,
      storageBytes: null,
      aiCredits: null,
      students: null,
    });
  });

  it('adds features tier by tier', () => {
    expect(TIER_TABLE.free.features).to.deep.equal(['upload']);
    expect(TIER_TABLE.basic.features).to.include.members(['upload', 'analytics', 'course_builder']);
    expect(TIER_TABLE.pro.features).to.include.members(['bulk_upload', 'custom_branding', 'api_access']);
    expect(TIER_TABLE.pro.features).not.to.include('priority_support');
    expect(TIER_TABLE.enterprise.features).to.have.members([...FEATURES]);
    for (const [lower, higher] of [
      ['free', 'basic'],
      ['basic', 'pro'],
      ['pro', 'enterprise'],
    ] as const) {
      for (const feature of TIER_TABLE[lower].features)
        expect(hasFeature(higher, feature), `${higher} keeps ${feature}`).to.equal(true);
    }
  });

  it('names the lowest tier that unlocks a feature, and the next tier up', () => {
    expect(tierUnlocking('analytics')).to.equal('basic');
    expect(tierUnlocking('api_access')).to.equal('pro');
    expect(tierUnlocking('priority_support')).to.equal('enterprise');
    expect(TIERS.map(nextTier)).to.deep.equal(['basic', 'pro', 'enterprise', undefined]);
  });

  it('has no AI chat: AI credits are a limit of every tier, not a feature', () => {
    expect(FEATURES as readonly string[]).not.to.include('ai_chat');
    for (const feature of FEATURES) expect(FEATURE_DESCRIPTIONS[feature].title).not.to.match(/ai chat/i);
    for (const tier of TIERS) expect(TIER_TABLE[tier].limits).to.have.property('aiCredits');
  });

  it('shows every feature of a tier, and priority support only with a support contact', () => {
    expect(shownFeatures('free', { supportContact: true })).to.deep.equal(['upload']);
    expect(shownFeatures('basic', { supportContact: true })).to.deep.equal(['upload', 'analytics', 'course_builder']);
    expect(shownFeatures('pro', { supportContact: true })).to.deep.equal([
      'upload',
      'analytics',
      'course_builder',
      'bulk_upload',
      'custom_branding',
      'api_access',
    ]);
    expect(shownFeatures('enterprise', { supportContact: false })).to.deep.equal([
      'upload',
      'analytics',
      'course_builder',
      'bulk_upload',
      'custom_branding',
      'api_access',
    ]);
    expect(shownFeatures('enterprise', { supportContact: true })).to.deep.equal([
      ...['upload', 'analytics', 'course_builder', 'bulk_upload', 'custom_branding', 'api_access'],
      'priority_support',
    ]);
  });
});
