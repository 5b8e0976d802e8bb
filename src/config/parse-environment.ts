/**
 * Parses and checks the environment for a role: the schema's forms, production's requirements,
 * the connections' TLS, the storage choice and the token encryption keys. Every problem found
 * is named in one ConfigError, so a deploy learns all that is wrong at once.
 */
import { envSchema, type Env, type ParsedEnv } from './env-schema.ts';
import { ConfigError } from './config-error.ts';
import { missingInProduction, productionProblems, type ProcessRole } from './production-requirements.ts';
import { connectionTls, type ConnectionTls } from './connection-settings.ts';
import { storageProblems } from './storage-config.ts';
import { tokenEncryptionKeys } from './whop-settings.ts';
import type { EncryptionKey } from './config-keys.ts';

/** Empty strings count as unset, as most platforms cannot tell the two apart. */
function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

/** Parses and checks the environment for `role`; throws a ConfigError naming every problem at once. */
export function parseEnvironment(
  rawEnv: Env,
  role: ProcessRole,
): { env: ParsedEnv; connections: ConnectionTls; tokenEncryptionKeys: EncryptionKey[] } {
  const cleanEnv = withoutEmpty(rawEnv);
  const result = envSchema.safeParse(cleanEnv);
  // The release role reads no storage settings.
  const storage = (env: Parameters<typeof storageProblems>[0], isProduction: boolean) =>
    role === 'release' ? [] : storageProblems(env, isProduction);
  if (!result.success) {
    const malformed = result.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    // In production, name the missing settings in the same report as the malformed ones.
    const isProduction = cleanEnv.NODE_ENV === 'production';
    const missing = isProduction ? missingInProduction(cleanEnv, role) : [];
    throw new ConfigError([...malformed, ...missing, ...storage(cleanEnv, isProduction)]);
  }
  const env = result.data;
  const isProduction = env.NODE_ENV === 'production';
  const connections = connectionTls(env, role);
  const keys = role === 'release' ? { keys: [], problems: [] } : tokenEncryptionKeys(env);
  const problems = [
    ...(isProduction ? productionProblems(env, role) : []),
    ...connections.problems,
    ...storage(env, isProduction),
    ...keys.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return { env, connections: connections.settings, tokenEncryptionKeys: keys.keys };
}
