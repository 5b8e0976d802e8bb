/**
 * The one place that reads the environment. `loadConfig` parses it (parse-environment.ts),
 * applies the development defaults of SPEC §3 (secrets generated once under `var/`), refuses
 * production settings that are missing or malformed (every problem named at once), assembles
 * each section's settings and freezes the result.
 */
import { loadLocalSecrets } from './local-secrets.ts';
import { runsCompiled } from './project-paths.ts';
import { ConfigError } from './config-error.ts';
import type { Env, ParsedEnv } from './env-schema.ts';
import type { EncryptionKey } from './config-keys.ts';
import { parseEnvironment } from './parse-environment.ts';
import type { ProcessRole } from './production-requirements.ts';
import { insecureUrlSettings } from './insecure-urls.ts';
import { logLevel, processSettings, type ProcessSettings } from './process-settings.ts';
import { developmentWebSettings, productionWebSettings, type WebSettings } from './web-settings.ts';
import { connectionSettings, type ConnectionSettings } from './connection-settings.ts';
import { developmentWhopSettings, productionWhopSettings, type WhopSettings } from './whop-settings.ts';
import { whopAppConfig, type WhopAppConfig } from './whop-app-settings.ts';
import { developmentMailSettings, productionMailSettings, type MailSettings } from './mail-settings.ts';
import { mediaConfig, type MediaConfig } from './storage-config.ts';

// What loadConfig takes and throws, for its callers.
export type { Env } from './env-schema.ts';
export { ConfigError } from './config-error.ts';

export interface Config extends ProcessSettings, WebSettings, ConnectionSettings, WhopSettings, MailSettings {
  /** The role this configuration was loaded for (which production settings it required). */
  role: ProcessRole;
  /** Where video bytes live: `storage` disk (under `directory`) or s3 (with its `s3` settings). */
  media: MediaConfig;
  /**
   * Production settings in clear text that `ALLOW_INSECURE_URLS=on` let through (one line
   * each); the processes log them as a warning at start. Always empty outside production.
   */
  insecureUrlsAllowed: string[];
  /** Chronos as a Whop App inside whop.com (docs/WHOP_INTEGRATION_GUIDE.md). */
  whopApp: WhopAppConfig;
}

/** What the release role (migrations) reads: the database settings only. */
export type ReleaseConfig = Pick<
  Config,
  | 'nodeEnv'
  | 'isProduction'
  | 'varDir'
  | 'logLevel'
  | 'databaseUrl'
  | 'databaseSsl'
  | 'embeddedDatabasePassword'
  | 'databasePoolMax'
>;

/** The configuration of the web (default) or worker role. */
export function loadConfig(rawEnv: Env, role: Exclude<ProcessRole, 'release'> = 'web'): Readonly<Config> {
  const { env, connections, tokenEncryptionKeys } = parseEnvironment(rawEnv, role);
  return Object.freeze({
    ...processSettings(env),
    ...(env.NODE_ENV === 'production'
      ? productionSettings(env, tokenEncryptionKeys)
      : developmentSettings(env, tokenEncryptionKeys)),
    ...connectionSettings(env, connections),
    media: mediaConfig(env),
    whopApp: whopAppConfig(env),
    role,
  });
}

/** The settings whose values production must be given and development defaults. */
type EnvironmentSettings = WebSettings &
  WhopSettings &
  MailSettings &
  Pick<Config, 'embeddedDatabasePassword' | 'insecureUrlsAllowed'>;

/** Production's: every secret as given (productionProblems required them), none generated. */
function productionSettings(env: ParsedEnv, tokenEncryptionKeys: EncryptionKey[]): EnvironmentSettings {
  return {
    ...productionWebSettings(env),
    ...productionWhopSettings(env, tokenEncryptionKeys),
    ...productionMailSettings(env),
    embeddedDatabasePassword: undefined,
    insecureUrlsAllowed: env.ALLOW_INSECURE_URLS ? insecureUrlSettings(env) : [],
  };
}

/** Development's and tests': what is unset comes from the sandbox or var/secrets.json (generated once). */
function developmentSettings(env: ParsedEnv, tokenEncryptionKeys: EncryptionKey[]): EnvironmentSettings {
  const local = loadLocalSecrets(env.VAR_DIR);
  return {
    ...developmentWebSettings(env, local),
    ...developmentWhopSettings(env, tokenEncryptionKeys, local),
    ...developmentMailSettings(env),
    embeddedDatabasePassword: local.databasePassword,
    // Outside production plain http (the sandbox, a local mail catcher) is the normal case.
    insecureUrlsAllowed: [],
  };
}

/** The configuration of the release role (`migrate`): the database settings only. */
export function loadReleaseConfig(rawEnv: Env): Readonly<ReleaseConfig> {
  const { env, connections } = parseEnvironment(rawEnv, 'release');
  const isProduction = env.NODE_ENV === 'production';
  return Object.freeze({
    nodeEnv: env.NODE_ENV,
    isProduction,
    varDir: env.VAR_DIR,
    logLevel: logLevel(env),
    databaseUrl: connections.databaseUrl,
    databaseSsl: connections.databaseSsl,
    databasePoolMax: env.DATABASE_POOL_MAX,
    embeddedDatabasePassword: isProduction ? undefined : loadLocalSecrets(env.VAR_DIR).databasePassword,
  });
}

/**
 * The environment as the compiled build (`dist/`, `npm run build`) reads it: production only.
 * An unset `NODE_ENV` means production, so a platform or Procfile that sets none never gets
 * development settings; any other value is refused, as the development tools (tsx, the Whop
 * sandbox, the embedded database) are not part of a production install.
 */
export function compiledBuildEnv(env: Env): Env {
  const nodeEnv = env.NODE_ENV?.trim() || undefined;
  if (nodeEnv === undefined) return { ...env, NODE_ENV: 'production' };
  if (nodeEnv === 'production') return env;
  throw new ConfigError([
    `NODE_ENV=${nodeEnv}: the compiled build (dist/) runs in production only; leave NODE_ENV unset or set it to ` +
      `production, or run the sources (npm start, npm run worker, npm run migrate) for ${nodeEnv}`,
  ]);
}

let processConfig: Readonly<Config> | undefined;

/**
 * The configuration of this process, parsed from `process.env` on first use. In the compiled
 * build `NODE_ENV` is production (see `compiledBuildEnv`), and is set so in `process.env` too,
 * for the libraries that read it themselves (Express's `env`).
 */
export function getConfig(role: Exclude<ProcessRole, 'release'> = 'web'): Readonly<Config> {
  if (processConfig) return processConfig;
  const env = runsCompiled ? compiledBuildEnv(process.env) : process.env;
  processConfig = loadConfig(env, role);
  if (runsCompiled) process.env.NODE_ENV = processConfig.nodeEnv;
  return processConfig;
}

/** The release role's configuration (`migrate`), parsed from `process.env` as `getConfig` does. */
export function getReleaseConfig(): Readonly<ReleaseConfig> {
  const env = runsCompiled ? compiledBuildEnv(process.env) : process.env;
  const config = loadReleaseConfig(env);
  if (runsCompiled) process.env.NODE_ENV = config.nodeEnv;
  return config;
}

/** The port the web role listens on; loadConfig requires it for that role, so this only guards. */
export function webPort(config: Pick<Config, 'port'>): number {
  if (config.port === undefined) throw new ConfigError(['PORT is required for the web role']);
  return config.port;
}
