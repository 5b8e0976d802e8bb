import { expect } from 'chai';
import { formatBytes, formatNumber, usageBar } from '../../src/views/view-helpers.ts';

describe('view helpers', () => {
  it('shows usage as value / limit with a percentage and a level that warns near the limit', () => {
    expect(usageBar('Videos', 2, 5)).to.deep.include({ used: '2', limit: '5', percent: 40, level: 'ok' });
    expect(usageBar('Videos', 4, 5)).to.deep.include({ percent: 80, level: 'warn' });
    expect(usageBar('Videos', 5, 5)).to.deep.include({ percent: 100, level: 'full' });
    expect(usageBar('Videos', 7, 5)).to.deep.include({ percent: 100, level: 'full' });
    expect(usageBar('Videos', 7, null)).to.deep.include({ limit: 'unlimited', level: 'unlimited' });
  });

  it('writes numbers with thousands separators', () => {
    expect([0, 999, 1_000, 1_234_567, 12.5].map(formatNumber)).to.deep.equal([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '12.5',
    ]);
    expect(usageBar('AI credits', 1_500, 10_000)).to.deep.include({ used: '1,500', limit: '10,000', percent: 15 });
  });

  it('writes sizes in binary units', () => {
    expect(formatBytes(1024 ** 3)).to.equal('1 GB');
    expect(formatBytes(1.5 * 1024 ** 3)).to.equal('1.5 GB');
    expect(formatBytes(300 * 1024 ** 2)).to.equal('300 MB');
    expect(formatBytes(512)).to.equal('0.1 MB');
  });
});
