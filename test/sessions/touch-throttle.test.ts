import { expect } from 'chai';
import { TouchThrottle } from '../../src/sessions/touch-throttle.ts';

describe('TouchThrottle', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => (clock = 1_000_000));

  it('lets the first touch of a session through, then one per interval', () => {
    const throttle = new TouchThrottle(60_000, 100, now);
    expect(throttle.due('a')).to.equal(true);
    clock += 59_999;
    expect(throttle.due('a')).to.equal(false);
    clock += 1;
    expect(throttle.due('a')).to.equal(true);
    expect(throttle.due('b'), 'another session is counted on its own').to.equal(true);
  });

  it('counts a full save as a refresh, and forgets a destroyed session', () => {
    const throttle = new TouchThrottle(60_000, 100, now);
    throttle.refreshed('a');
    expect(throttle.due('a')).to.equal(false);
    throttle.forget('a');
    expect(throttle.due('a')).to.equal(true);
  });

  it('keeps at most maxEntries sessions, forgetting the least recently refreshed', () => {
    const throttle = new TouchThrottle(60_000, 2, now);
    throttle.due('a');
    throttle.due('b');
    throttle.refreshed('a');
    throttle.due('c');
    expect(throttle.due('a'), 'a was refreshed after b, so it is kept').to.equal(false);
    expect(throttle.due('b'), 'b was the oldest, so it was forgotten').to.equal(true);
  });
});
