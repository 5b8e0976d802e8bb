import { expect } from 'chai';
import { safeReturnTo } from '../../src/services/return-to.ts';

describe('safeReturnTo', () => {
  it('keeps local paths with their query and fragment', () => {
    expect(safeReturnTo('/dashboard')).to.equal('/dashboard');
    expect(safeReturnTo('/admin/tiers?sort=tier#top')).to.equal('/admin/tiers?sort=tier#top');
  });

  const hostile = [
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/%2F%2Fevil.example',
    '/%2fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%255C%255Cevil.example',
    '/\tevil',
    '/\nevil',
    '/%0d%0aSet-Cookie:x',
    '/%E0%A4%A',
    '/.//evil.example',
    '/..//evil.example',
    '/%2e//evil.example',
    '/a/..//evil.example',
    '',
    `/${'a'.repeat(600)}`,
  ];
  for (const value of hostile) {
    it(`drops ${JSON.stringify(value.slice(0, 40))}`, () => {
      expect(safeReturnTo(value)).to.equal(undefined);
    });
  }

  it('drops values that are not strings', () => {
    expect(safeReturnTo(['/a', '/b'])).to.equal(undefined);
    expect(safeReturnTo(undefined)).to.equal(undefined);
  });
});
