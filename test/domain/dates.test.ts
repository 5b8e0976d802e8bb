import { expect } from 'chai';
import { formatDate, formatDateTime } from '../../src/domain/dates.ts';

describe('dates', () => {
  it('writes a day as "8 Dec 2026", in UTC whatever the input form', () => {
    expect(formatDate(new Date('2026-12-08T12:41:00Z'))).to.equal('8 Dec 2026');
    expect(formatDate('2026-12-30')).to.equal('30 Dec 2026');
    expect(formatDate(Date.UTC(2027, 2, 3, 23, 59))).to.equal('3 Mar 2027');
  });

  it('writes a moment as "8 Dec 2026, 12:41 UTC", on a 24-hour clock with the zone named', () => {
    expect(formatDateTime(new Date('2026-12-08T12:41:59Z'))).to.equal('8 Dec 2026, 12:41 UTC');
    expect(formatDateTime('2027-03-03T04:05:00.000Z')).to.equal('3 Mar 2027, 04:05 UTC');
    expect(formatDateTime('2027-03-03T23:05:00+02:00')).to.equal('3 Mar 2027, 21:05 UTC');
  });

  it('shows a missing or unreadable date as a dash', () => {
    for (const value of [null, undefined, '', 'not a date']) {
      expect(formatDate(value)).to.equal('—');
      expect(formatDateTime(value)).to.equal('—');
    }
  });
});
