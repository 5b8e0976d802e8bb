import { expect } from 'chai';
import { parseEncryptionKeys } from '../../../src/config/config-keys.ts';
import { TokenCipher, TokenDecryptionError } from '../../../src/services/whop/token-cipher.ts';

const OLD = parseEncryptionKeys(`old:${'1'.repeat(64)}`);
const NEW_THEN_OLD = parseEncryptionKeys(`new:${'2'.repeat(64)},old:${'1'.repeat(64)}`);

function refused(work: () => unknown): TokenDecryptionError {
  try {
    work();
  } catch (error) {
    expect(error).to.be.instanceOf(TokenDecryptionError);
    return error as TokenDecryptionError;
  }
  return expect.fail('expected the envelope to be refused');
}

describe('TokenCipher', () => {
  it('round-trips a bundle for its user, with a fresh 96-bit IV each time', () => {
    const cipher = new TokenCipher(OLD);
    const a = cipher.encrypt('{"accessToken":"x"}', 'user_1');
    const b = cipher.encrypt('{"accessToken":"x"}', 'user_1');
    expect(a).not.to.equal(b);
    const [version, kid, iv, tag] = a.split('.');
    expect(version).to.equal('v1');
    expect(kid).to.equal('old');
    expect(Buffer.from(iv!, 'base64url')).to.have.length(12);
    expect(Buffer.from(tag!, 'base64url')).to.have.length(16);
    expect(cipher.decrypt(a, 'user_1')).to.equal('{"accessToken":"x"}');
  });

  it('does not contain the plaintext', () => {
    expect(new TokenCipher(OLD).encrypt('secret-access-token', 'user_1')).not.to.contain('secret');
  });

  it('rotates keys: the new key encrypts, the old key still decrypts', () => {
    const before = new TokenCipher(OLD).encrypt('bundle', 'user_1');
    const rotated = new TokenCipher(NEW_THEN_OLD);
    expect(rotated.decrypt(before, 'user_1')).to.equal('bundle');
    expect(rotated.encrypt('bundle', 'user_1').split('.')[1]).to.equal('new');
  });

  it('refuses an envelope after its key was retired', () => {
    const sealed = new TokenCipher(NEW_THEN_OLD).encrypt('bundle', 'user_1');
    expect(refused(() => new TokenCipher(OLD).decrypt(sealed, 'user_1')).message).to.contain('unknown key id');
  });

  it('refuses an envelope bound to another user', () => {
    const cipher = new TokenCipher(OLD);
    expect(refused(() => cipher.decrypt(cipher.encrypt('bundle', 'user_1'), 'user_2')).message).to.contain(
      'authentication failed',
    );
  });

  it('refuses any tampered part', () => {
    const cipher = new TokenCipher(OLD);
    const sealed = cipher.encrypt('bundle', 'user_1');
    for (const index of [2, 3, 4]) {
      const parts = sealed.split('.');
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      parts[index] = bytes.toString('base64url');
      refused(() => cipher.decrypt(parts.join('.'), 'user_1'));
    }
    refused(() => cipher.decrypt('v2.old.a.b.c', 'user_1'));
    refused(() => cipher.decrypt('garbage', 'user_1'));
  });
});
