/** Parsing of `WHOP_TOKEN_ENCRYPTION_KEY`: one 64-hex key, or a comma-separated `kid:hex` list (first encrypts). */
import { createHash } from 'node:crypto';

export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const KID = /^[A-Za-z0-9_-]{1,32}$/;

export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no key given');
  const keys = entries.map((entry) => {
    const colon = entry.indexOf(':');
    const kid = colon === -1 ? undefined : entry.slice(0, colon);
    const hex = colon === -1 ? entry : entry.slice(colon + 1);
    if (!HEX_KEY.test(hex)) throw new Error('each key must be 32 bytes written as 64 hex characters');
    if (kid !== undefined && !KID.test(kid))
      throw new Error('a key id may use letters, digits, "_" and "-" (at most 32)');
    const key = Buffer.from(hex, 'hex');
    return { kid: kid ?? createHash('sha256').update(key).digest('hex').slice(0, 8), key };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}
