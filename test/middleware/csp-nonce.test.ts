import { expect } from 'chai';
import { noncePool } from '../../src/middleware/security-headers.ts';

describe('CSP nonces from a pool of random bytes', () => {
  it('gives 128-bit nonces, never the same one twice, across many refills of the pool', () => {
    const next = noncePool();
    const nonces = Array.from({ length: 2_000 }, next);
    expect(new Set(nonces).size, 'all distinct').to.equal(nonces.length);
    for (const nonce of nonces) {
      expect(nonce).to.match(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, 'base64')).to.have.length(16);
    }
  });

  it('gives each pool its own randomness', () => {
    const a = noncePool();
    const b = noncePool();
    expect(a()).to.not.equal(b());
  });
});
