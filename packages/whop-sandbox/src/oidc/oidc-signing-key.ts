/**
 * The provider's ES256 (P-256) signing key. Generated on first start; with a data folder it is
 * kept in `<dataDir>/sandbox-oidc-key.json` (mode 0600) so tokens stay verifiable across restarts.
 */
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { z } from 'zod';
import { SigningKeyFileError } from './oidc-errors.ts';
import { randomToken } from './token-crypto.ts';

export const SIGNING_KEY_FILE = 'sandbox-oidc-key.json';
export const SIGNING_ALG = 'ES256';

export interface OidcSigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** What `/.well-known/jwks.json` publishes. */
  publicJwk: JWK;
}

const storedKeySchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1),
});
type StoredKey = z.infer<typeof storedKeySchema>;

export async function loadOrCreateSigningKey(dataDir: string | undefined): Promise<OidcSigningKey> {
  if (dataDir === undefined) return toSigningKey(await generateStoredKey());
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const existing = await readStoredKey(file);
  if (existing) return toSigningKey(existing);

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created = await generateStoredKey();
  const written = await writeExclusive(file, `${JSON.stringify(created, null, 2)}\n`);
  if (written) return toSigningKey(created);
  // Another instance created the file between our read and write: use theirs.
  const winner = await readStoredKey(file);
  if (!winner) throw new SigningKeyFileError(file, 'it disappeared while starting');
  return toSigningKey(winner);
}

async function generateStoredKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const parsed = storedKeySchema.omit({ kid: true }).parse(jwk);
  const kid = await calculateJwkThumbprint({ kty: parsed.kty, crv: parsed.crv, x: parsed.x, y: parsed.y });
  return { ...parsed, kid };
}

async function readStoredKey(file: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SigningKeyFileError(file, 'not JSON');
  }
  const parsed = storedKeySchema.safeParse(json);
  if (!parsed.success) throw new SigningKeyFileError(file, 'not a P-256 private JWK with a kid');
  return parsed.data;
}

/** Writes a temp file (0600) and links it into place, which fails if the target exists. */
async function writeExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${randomToken(8)}.tmp`;
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if (isErrnoCode(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await unlink(temp);
  }
}

async function toSigningKey(stored: StoredKey): Promise<OidcSigningKey> {
  const privateKey = await importJWK({ ...stored, alg: SIGNING_ALG }, SIGNING_ALG);
  if (privateKey instanceof Uint8Array) throw new TypeError('expected an asymmetric signing key');
  const publicJwk: JWK = {
    kty: stored.kty,
    crv: stored.crv,
    x: stored.x,
    y: stored.y,
    kid: stored.kid,
    alg: SIGNING_ALG,
    use: 'sig',
  };
  return { kid: stored.kid, privateKey, publicJwk };
}

function isErrnoCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}
