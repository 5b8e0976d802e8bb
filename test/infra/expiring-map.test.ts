import { expect } from 'chai';
import { ExpiringMap } from '../../src/infra/expiring-map.ts';
import { testClock } from '../support/test-clock.ts';

describe('ExpiringMap (the in-process stand-in for Redis keys with a TTL)', () => {
  it('forgets an entry at its expiry instant, not a millisecond later', () => {
    const clock = testClock(1_000);
    const map = new ExpiringMap<string>(clock.now);
    map.set('k', 'v', 1_500);
    clock.set(1_499);
    expect(map.get('k')).to.equal('v');
    expect(map.has('k')).to.equal(true);
    clock.set(1_500);
    expect(map.get('k')).to.equal(undefined);
    expect(map.has('k')).to.equal(false);
    expect(map.expiresAt('k')).to.equal(undefined);
  });

  it('moves the expiry of a live entry only', () => {
    const clock = testClock(0);
    const map = new ExpiringMap<number>(clock.now);
    map.set('live', 1, 100);
    expect(map.setExpiry('live', 500)).to.equal(true);
    expect(map.setExpiry('missing', 500)).to.equal(false);
    clock.set(300);
    expect(map.get('live'), 'kept past its first expiry').to.equal(1);
    expect(map.expiresAt('live')).to.equal(500);
  });

  it('sweeps the expired entries nobody reads again, and lists only live values', () => {
    const clock = testClock(0);
    const map = new ExpiringMap<string>(clock.now);
    map.set('old', 'a', 10);
    map.set('new', 'b', 1_000);
    clock.set(10);
    expect(map.size, 'not swept yet').to.equal(2);
    expect(map.values()).to.deep.equal(['b']);
    expect(map.size).to.equal(1);
    map.delete('new');
    expect(map.size).to.equal(0);
  });
});
