/** One byte range per media request: several ranges become the one spanning them, never more bytes than the file. */
import { expect } from 'chai';
import { MAX_RANGE_HEADER, singleRange } from '../../src/controllers/single-range.ts';

describe('singleRange', () => {
  const SIZE = 1000;

  it('leaves a missing or single range as it is (send answers it)', () => {
    expect(singleRange(undefined, SIZE)).to.equal(undefined);
    expect(singleRange('bytes=0-99', SIZE)).to.equal('bytes=0-99');
    expect(singleRange('bytes=5000-', SIZE)).to.equal('bytes=5000-');
  });

  it('turns several ranges into the one that spans them', () => {
    expect(singleRange('bytes=0-9,20-29', SIZE)).to.equal('bytes=0-29');
    expect(singleRange('bytes=500-599,0-0', SIZE)).to.equal('bytes=0-599');
    expect(singleRange('bytes=-10,0-4', SIZE)).to.equal('bytes=0-999');
  });

  it('turns many overlapping ranges into one no larger than the file', () => {
    const header = `bytes=${Array.from({ length: 100 }, () => '0-').join(',')}`;
    expect(singleRange(header, SIZE)).to.equal('bytes=0-999');
  });

  it('keeps only the first range of a header too long to be a player’s', () => {
    const header = `bytes=10-19,${Array.from({ length: MAX_RANGE_HEADER }, (_, i) => `${i}-${i}`).join(',')}`;
    expect(singleRange(header, SIZE)).to.equal('bytes=10-19');
  });

  it('leaves unsatisfiable ranges to be answered 416 and other units to be ignored', () => {
    expect(singleRange('bytes=2000-,3000-', SIZE)).to.equal('bytes=2000-');
    expect(singleRange('items=0-1,2-3', SIZE)).to.equal('items=0-1,2-3');
  });
});
