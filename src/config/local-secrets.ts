/**
 * Development secrets, generated on first start and kept in `<varDir>/secrets.json` (mode 0600)
 * so sessions, encrypted tokens and the sandbox's credentials survive restarts.
 * Never used in production: `loadConfig` requires every secret to be set there.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage } from '../domain/app-errors.ts';

export interface LocalSecrets {
  sessionSecret: string;
  tokenEncryptionKey: string;
  sandboxApiKey: string;
  sandboxClientSecret: string;
  sandboxWebhookSecret: string;
  /** The embedded PostgreSQL's `postgres` role (db/embedded-postgres.ts): password authentication, never trust. */
  databasePassword: string;
}

function generate(): LocalSecrets {
  return {
    sessionSecret: randomBytes(32).toString('base64url'),
    tokenEncryptionKey: `dev:${randomBytes(32).toString('hex')}`,
    sandboxApiKey: `apik_${randomBytes(24).toString('base64url')}`,
    sandboxClientSecret: `secret_${randomBytes(24).toString('base64url')}`,
    sandboxWebhookSecret: `ws_${randomBytes(24).toString('hex')}`,
    databasePassword: randomBytes(24).toString('base64url'),
  };
}

export function loadLocalSecrets(varDir: string): LocalSecrets {
  const file = join(varDir, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
  const secrets = { ...generate(), ...stored };
  if (Object.keys(stored).length === Object.keys(secrets).length) return secrets;
  mkdirSync(dirname(varDir), { recursive: true });
  mkdirSync(varDir, { recursive: true, mode: 0o700 });
  const isNew = Object.keys(stored).length === 0;
  try {
    // `wx` on first creation: when two processes start at once, the second one reads the first one's file.
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: isNew ? 'wx' : 'w' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadLocalSecrets(varDir);
    throw error;
  }
  return secrets;
}
