/** What an admin reads for a stored event error: words, and whether a replay can help. */
import { expect } from 'chai';
import { describeEventError } from '../../../src/services/webhooks/event-error-text.ts';

describe('describeEventError', () => {
  it('says an event whose data cannot be read can never succeed', () => {
    const text = describeEventError('PermanentEventError: data is not a payment: id Required');
    expect(text).to.deep.equal({
      summary:
        "Whop's data for this event cannot be read (data is not a payment). It can never succeed: a replay will fail the same way.",
      permanent: true,
    });
  });
  it('says a database outage or a conflict will most likely pass on replay', () => {
    expect(describeEventError('SequelizeConnectionError: connect ECONNREFUSED 127.0.0.1:5432')!.permanent).to.equal(
      false,
    );
    expect(describeEventError('SequelizeDatabaseError: deadlock detected')!.summary).to.contain('got in the way');
  });
  it('calls anything else unexpected, and nothing at all no error', () => {
    expect(describeEventError('TypeError: x is undefined')!.summary).to.contain('unexpected error');
    expect(describeEventError(null)).to.equal(null);
  });
});
