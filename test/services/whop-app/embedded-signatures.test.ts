/**
 * The embedded pages' CSRF tokens (user, experience or company) accept exactly what they were
 * made for. (Their media URLs: test/services/watching/media-url-signer.test.ts.)
 */
import { expect } from 'chai';
import { createEmbeddedSignatures } from '../../../src/services/whop-app/embedded-signatures.ts';

describe('embedded signatures', () => {
  const signatures = createEmbeddedSignatures({ secret: 'a session secret for tests' });

  it('binds CSRF tokens to the user and the experience', () => {
    const token = signatures.csrfToken('user_a', 'experience:exp_1');
    expect(signatures.verifyCsrf(token, 'user_a', 'experience:exp_1')).to.equal(true);
    expect(signatures.verifyCsrf(token, 'user_b', 'experience:exp_1')).to.equal(false);
    expect(signatures.verifyCsrf(token, 'user_a', 'experience:exp_2')).to.equal(false);
    expect(signatures.verifyCsrf(undefined, 'user_a', 'experience:exp_1')).to.equal(false);
  });

  it('signs and verifies nothing without a secret, naming SESSION_SECRET', () => {
    for (const secret of ['', undefined]) {
      const unkeyed = createEmbeddedSignatures({ secret });
      const named = 'SESSION_SECRET is required to sign the embedded pages’ CSRF tokens';
      expect(() => unkeyed.csrfToken('user_a', 'exp_1')).to.throw(named);
      expect(() => unkeyed.verifyCsrf('token', 'user_a', 'exp_1')).to.throw(named);
    }
  });
});
