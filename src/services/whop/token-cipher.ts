/**
 * Encryption of the Whop token bundle at rest: AES-256-GCM, a random 96-bit IV, a 16-byte tag,
 * additional data binding the envelope to one user, and the key id in the envelope so keys can
 * rotate (the first key encrypts, every configured key decrypts).
 * Envelope: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../../config/config-keys.ts';

const VERSION = 'v1';

export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`token envelope rejected: ${reason}`);
    this.name = 'TokenDecryptionError';
  }
}

function additionalData(userId: string): Buffer {
  return Buffer.from(`chronos:whop-tokens:${VERSION}:${userId}`, 'utf8');
}

export class TokenCipher {
  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('TokenCipher needs at least one key');
  }

  encrypt(plaintext: string, userId: string): string {
    const { kid, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(additionalData(userId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      kid,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  /** The plaintext, or a TokenDecryptionError for a tampered, foreign or unknown-key envelope. */
  decrypt(envelope: string, userId: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenDecryptionError('unknown format');
    const [, kid, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) throw new TokenDecryptionError('unknown key id');
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== 12 || tag.length !== 16) throw new TokenDecryptionError('bad iv or tag');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: 16 });
      decipher.setAAD(additionalData(userId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new TokenDecryptionError('authentication failed');
    }
  }
}
