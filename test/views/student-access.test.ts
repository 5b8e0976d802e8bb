import { expect } from 'chai';
import { studentAccess } from '../../src/views/student-access.ts';

describe('student access label', () => {
  it('says in one phrase whether a student can watch, adding Whop’s reason when access ended', () => {
    expect(studentAccess({ status: 'active', membershipStatus: 'active' })).to.equal('Active');
    expect(studentAccess({ status: 'over_limit', membershipStatus: 'active' })).to.equal(
      'No access: over your plan’s student limit',
    );
    expect(studentAccess({ status: 'inactive', membershipStatus: 'past_due' })).to.equal(
      'No access (membership past due on Whop)',
    );
    expect(studentAccess({ status: 'inactive', membershipStatus: null })).to.equal('No access');
  });
});
