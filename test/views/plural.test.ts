/** Counted nouns on admin pages: singular for exactly one, plural otherwise, irregulars right. */
import { expect } from 'chai';
import { countOf, pluralOf } from '../../src/views/plural.ts';

describe('countOf', () => {
  it('says "1 company", "0 companies", "2 companies", "1,000 students"', () => {
    expect(countOf(1, 'company')).to.equal('1 company');
    expect(countOf(0, 'company')).to.equal('0 companies');
    expect(countOf(2, 'company')).to.equal('2 companies');
    expect(countOf(1000, 'student')).to.equal('1,000 students');
    expect(countOf(1, 'tier change')).to.equal('1 tier change');
    expect(countOf(3, 'tier change')).to.equal('3 tier changes');
  });
  it('pluralises -y, -s/-x/-ch and irregular nouns', () => {
    expect(pluralOf('day')).to.equal('days');
    expect(pluralOf('entry')).to.equal('entries');
    expect(pluralOf('status')).to.equal('statuses');
    expect(pluralOf('box')).to.equal('boxes');
    expect(pluralOf('batch')).to.equal('batches');
  });
});
