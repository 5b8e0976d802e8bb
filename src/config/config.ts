/**
 * The one place that reads the environment. `loadConfig` parses it with zod, applies the
 * development defaults of SPEC §3 (secrets generated once under `var/`), refuses production
 * settings that are missing or malformed (every problem named at once) and freezes the result.
 */
import { z } from 'zod';
import { loadLocalSecrets } from './local-secrets.ts';
import { parseEncryptionKeys, type EncryptionKey } from './config-keys.ts';
import { runsCompiled } from './project-paths.ts';
import { TIERS, type Tier } from '../domain/tier-table.ts';
import { errorMessage } from '../domain/app-errors.ts';
import { mediaStorageConfig, storageProblems, type MediaStorageConfig } from './storage-config.ts';
import { INSECURE_URLS_OPT_OUT, insecureUrlSettings } from './insecure-urls.ts';
import { databaseTls, type DatabaseSsl } from './database-tls.ts';
import { redisTls } from './redis-tls.ts';
import type { ConnectionOptions } from 'node:tls';

/**
 * The Procfile's roles. A platform gives `PORT` to the web role only, so each role requires, in
 * production, the settings it uses: `release` (migrations) the database's; `worker` all but the
 * web's own (`PORT`, `SESSION_SECRET`); `web` all.
 */
export type ProcessRole = 'web' | 'worker' | 'release';

/** How Chronos authenticates at Whop's token endpoint; `none` is a public client (PKCE only). */
export type OAuthClientAuth = 'client_secret_post' | 'client_secret_basic' | 'none';
export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  /** The role this configuration was loaded for (which production settings it required). */
  role: ProcessRole;
  /** Undefined only in a production worker without PORT (the platform sets it for web only). */
  port: number | undefined;
  appUrl: string;
  varDir: string;
  logLevel: string;
  /** Empty only in a production worker without SESSION_SECRET (sessions are the web's). */
  sessionSecrets: string[];
  sessionMaxAgeDays: number;
  /** `DATABASE_URL` without its `sslmode` (read into `databaseSsl`). */
  databaseUrl: string | undefined;
  /** pg's `ssl` option, from `sslmode` and `DATABASE_CA` as libpq reads them (database-tls.ts). */
  databaseSsl: DatabaseSsl;
  /**
   * The embedded PostgreSQL's password (development: kept in var/secrets.json); undefined in production, which requires
   * DATABASE_URL.
   */
  embeddedDatabasePassword: string | undefined;
  /** Connections per process in the database pool. */
  databasePoolMax: number;
  redisUrl: string | undefined;
  /** ioredis's `tls` option for a `rediss://` URL (with `REDIS_CA`); undefined for `redis://`. */
  redisTls: ConnectionOptions | undefined;
  /** `REDIS_TLS_INSECURE=on`: the Redis certificate is not checked; logged as a warning at start. */
  redisTlsInsecure: boolean;
  /** Prefix of every Redis key Chronos writes (sessions, caches, rate limits, locks). */
  redisPrefix: string;
  whop: {
    sandbox: boolean;
    apiBase: string;
    oauthIssuer: string;
    apiKey: string;
    clientId: string;
    /** Unused (and may be empty in production) when `oauthClientAuth` is `none`. */
    clientSecret: string;
    /** Whop's app id (`app_…`), for the install link `https://whop.com/apps/<id>/install/`. */
    appId: string;
    companyId: string;
    /** Sent as `Api-Version-Date` on every REST call. */
    apiVersionDate: string;
    oauthClientAuth: OAuthClientAuth;
    /** The JWS algorithm the id_token must be signed with. */
    idTokenAlg: string;
    webhookSecrets: string[];
    tokenEncryptionKeys: EncryptionKey[];
    tierProducts: Record<string, Tier>;
    checkoutUrls: Partial<Record<Tier, string>>;
  };
  adminWhopUserIds: string[];
  sandboxPort: number;
  sandboxOrigin: string;
  /** Lifetime of the sandbox's access tokens (Whop: 3600 s); shorter to watch refreshes happen. */
  sandboxAccessTokenTtlSeconds: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** `apiTokenPerMinute`: each creator API token's requests a minute (`/api/v1`). */
  rateLimits: { authPerMinute: number; apiPerMinute: number; apiTokenPerMinute: number };
  /**
   * Proxies in front of the app whose `X-Forwarded-For` / `X-Forwarded-Proto` entries are
   * believed (Express's `trust proxy` as a hop count): the client address (`req.ip`, which the
   * rate limits key on) is the entry this many hops from the socket. 0 believes none.
   */
  trustProxyHops: number;
  webhooks: {
    /** Accept legacy v5 deliveries (`X-Whop-Signature: t=…,v1=<hex>`, `{action, data}` body). */
    acceptLegacy: boolean;
    /** Processing attempts before an event is dead. */
    maxAttempts: number;
  };
  worker: {
    /** Whether the web process also runs the background jobs (default: outside production). */
    inWebProcess: boolean;
    /** Minutes between scheduled reconciliations with Whop. */
    reconcileIntervalMinutes: number;
    /** Parallel webhook inbox loops per process (they share the inbox through SKIP LOCKED). */
    webhookLoops: number;
  };
  /** Days a creator keeps their tier after a failed Chronos plan payment. */
  gracePeriodDays: number;
  /** Where video bytes live: `storage` disk (under `directory`) or s3 (with its `s3` settings). */
  media: MediaStorageConfig & {
    directory: string;
    /** The hard cap per uploaded file. */
    uploadMaxBytes: number;
    /** An unfinished upload is removed, and its reservation released, this long after it was created. */
    uploadExpiryMs: number;
  };
  /** Bearer token that /metrics requires; unset disables /metrics. */
  metricsToken: string | undefined;
  /** Sentry DSN; unset sends nothing anywhere. */
  sentryDsn: string | undefined;
  /**
   * Production settings in clear text that `ALLOW_INSECURE_URLS=on` let through (one line
   * each); the processes log them as a warning at start. Always empty outside production.
   */
  insecureUrlsAllowed: string[];
  /** Enterprise's priority-support contact; unset, no page shows or promises priority support. */
  supportEmail: string | undefined;
  /** Chronos as a Whop App inside whop.com (docs/WHOP_INTEGRATION_GUIDE.md). */
  whopApp: WhopAppConfig;
}

export interface WhopAppConfig {
  /** Origins that may frame the embedded routes (`frame-ancestors`); every other page stays unframeable. */
  frameAncestors: string[];
  /** Where the ES256 keys of `x-whop-user-token` are published (Whop's JWKS; the sandbox's in development). */
  userTokenJwksUrl: string;
  /** Development: the port of the sandbox's app proxy, the origin its Whop frame pages show the app through. */
  sandboxAppProxyPort: number;
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

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SANDBOX_CLIENT_ID = 'app_chronos_sandbox';
const SANDBOX_COMPANY_ID = 'biz_chronos';
/**
 * The API version the installed `@whop/sdk` pins by default (its client's constructor);
 * test/services/whop/whop-api-client.test.ts fails when an SDK upgrade changes it.
 */
export const SDK_API_VERSION_DATE = '2026-07-20';
const SANDBOX_TIER_PRODUCTS = { prod_basic: 'basic', prod_pro: 'pro', prod_enterprise: 'enterprise' } as const;

const tierSchema = z.enum(TIERS);
const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const jsonRecord = <T extends z.ZodType>(value: T) =>
  z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), value));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.optional(),
  APP_URL: z.url().optional(),
  VAR_DIR: z.string().min(1).default('var'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SESSION_SECRET: list.pipe(z.array(z.string().min(32, 'each secret needs at least 32 characters')).min(1)).optional(),
  SESSION_MAX_AGE_DAYS: positiveInt.default(90),
  DATABASE_URL: z
    .url()
    .refine((u) => /^postgres(ql)?:/.test(u), 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_MAX: positiveInt.max(200).default(20),
  DATABASE_CA: z.string().optional(),
  // libpq's own variable, read when DATABASE_URL has no sslmode (platforms that own the URL).
  PGSSLMODE: z.string().optional(),
  REDIS_CA: z.string().optional(),
  REDIS_TLS_INSECURE: flag.optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'letters, digits and . : _ - only')
    .default('chronos:'),
  REDIS_URL: z
    .url()
    .refine((u) => /^rediss?:/.test(u), 'must be a redis:// or rediss:// URL')
    .optional(),
  WHOP_SANDBOX: flag.optional(),
  WHOP_API_BASE: z.url().optional(),
  WHOP_OAUTH_ISSUER: z.url().optional(),
  WHOP_API_KEY: z.string().min(1).optional(),
  WHOP_CLIENT_ID: z.string().min(1).optional(),
  WHOP_CLIENT_SECRET: z.string().min(1).optional(),
  WHOP_COMPANY_ID: z
    .string()
    .regex(/^biz_\w+$/, 'must be a Whop company id (biz_…)')
    .optional(),
  WHOP_APP_ID: z
    .string()
    .regex(/^app_\w+$/, 'must be a Whop app id (app_…)')
    .optional(),
  WHOP_API_VERSION_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(-\d+)?$/, 'must be a Whop API version date, e.g. 2026-07-20')
    .optional(),
  WHOP_OAUTH_CLIENT_AUTH: z.enum(['client_secret_post', 'client_secret_basic', 'none']).default('client_secret_post'),
  WHOP_ID_TOKEN_ALG: z
    .enum(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'])
    .default('ES256'),
  WHOP_WEBHOOK_SECRET: list.pipe(z.array(z.string().min(8)).min(1)).optional(),
  WHOP_TOKEN_ENCRYPTION_KEY: z.string().min(1).optional(),
  WHOP_TIER_PRODUCTS: jsonRecord(tierSchema).optional(),
  WHOP_CHECKOUT_URLS: jsonRecord(z.url()).pipe(z.partialRecord(tierSchema, z.url())).optional(),
  ADMIN_WHOP_USER_IDS: list.optional(),
  SANDBOX_PORT: port.default(4010),
  WHOP_FRAME_ANCESTORS: list.pipe(z.array(z.url()).min(1)).optional(),
  WHOP_USER_TOKEN_JWKS_URL: z.url().optional(),
  SANDBOX_APP_PROXY_PORT: port.optional(),
  SANDBOX_ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(3600),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).optional(),
  AUTH_RATE_LIMIT_PER_MINUTE: positiveInt.default(60),
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(300),
  API_TOKEN_RATE_LIMIT_PER_MINUTE: positiveInt.default(120),
  TRUST_PROXY_HOPS: z.coerce.number().int('must be a whole number of proxies').min(0).max(10).optional(),
  WHOP_LEGACY_WEBHOOKS: flag.default(false),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(50).default(8),
  WORKER_IN_WEB: flag.optional(),
  RECONCILE_INTERVAL_MINUTES: positiveInt.default(60),
  WEBHOOK_WORKER_LOOPS: positiveInt.max(32).default(4),
  GRACE_PERIOD_DAYS: positiveInt.max(60).default(3),
  MEDIA_DIR: z.string().min(1).optional(),
  UPLOAD_MAX_BYTES: positiveInt.default(20 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: positiveInt.max(24 * 30).default(24),
  STORAGE: z.enum(['disk', 's3']).optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lower-case letters, digits, . and -')
    .optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/, 'must be a region such as eu-west-1 (R2: auto)')
    .optional(),
  S3_ENDPOINT: z
    .url()
    .refine((u) => /^https?:/.test(u), 'must be an http:// or https:// URL')
    .optional(),
  S3_FORCE_PATH_STYLE: flag.default(false),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SENTRY_DSN: z.url().optional(),
  ALLOW_INSECURE_URLS: flag.default(false),
  SUPPORT_EMAIL: z.email('must be an email address').max(254).optional(),
});

type ParsedEnv = z.infer<typeof envSchema>;

const REQUIRED_IN_PRODUCTION = [
  'PORT',
  'APP_URL',
  'SESSION_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'WHOP_API_KEY',
  'WHOP_CLIENT_ID',
  'WHOP_CLIENT_SECRET',
  'WHOP_APP_ID',
  'WHOP_COMPANY_ID',
  'WHOP_WEBHOOK_SECRET',
  'WHOP_TOKEN_ENCRYPTION_KEY',
  'WHOP_TIER_PRODUCTS',
  'ADMIN_WHOP_USER_IDS',
  'SMTP_URL',
  'MAIL_FROM',
] as const satisfies readonly (keyof ParsedEnv)[];

/** Settings only the web role uses; the worker and release roles start without them. */
const WEB_ONLY: readonly string[] = ['PORT', 'SESSION_SECRET'];
/** The release role (migrations) uses the database only. */
const RELEASE_REQUIRED: readonly string[] = ['DATABASE_URL'];

function requiredFor(role: ProcessRole): readonly (typeof REQUIRED_IN_PRODUCTION)[number][] {
  if (role === 'release') return REQUIRED_IN_PRODUCTION.filter((name) => RELEASE_REQUIRED.includes(name));
  if (role === 'worker') return REQUIRED_IN_PRODUCTION.filter((name) => !WEB_ONLY.includes(name));
  return REQUIRED_IN_PRODUCTION;
}

/** Empty strings count as unset, as most platforms cannot tell the two apart. */
function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

/** The production settings that are missing; a public client (`WHOP_OAUTH_CLIENT_AUTH=none`) has no secret. */
function missingInProduction(
  env: Partial<Record<(typeof REQUIRED_IN_PRODUCTION)[number] | 'WHOP_OAUTH_CLIENT_AUTH', unknown>>,
  role: ProcessRole,
): string[] {
  return requiredFor(role)
    .filter(
      (name) => env[name] === undefined && !(name === 'WHOP_CLIENT_SECRET' && env.WHOP_OAUTH_CLIENT_AUTH === 'none'),
    )
    .map((name) => `${name} is required in production`);
}

function productionProblems(env: ParsedEnv, role: ProcessRole): string[] {
  const problems = missingInProduction(env, role);
  if (env.APP_URL && !env.APP_URL.startsWith('https://'))
    problems.push('APP_URL must be an https:// URL in production');
  if (env.WHOP_SANDBOX === true) problems.push('WHOP_SANDBOX must be off in production');
  if (!env.ALLOW_INSECURE_URLS)
    problems.push(...insecureUrlSettings(env).map((p) => `${p} (or set ${INSECURE_URLS_OPT_OUT}=on)`));
  return problems;
}

/** The connections' settings (TLS to PostgreSQL and Redis), or the problems naming them. */
function connectionSettings(env: ParsedEnv, role: ProcessRole) {
  const database = databaseTls(env, env.NODE_ENV === 'production');
  const redis = role === 'release' ? undefined : redisTls(env);
  return {
    problems: [...database.problems, ...(redis?.problems ?? [])],
    settings: {
      databaseUrl: database.tls?.url,
      databaseSsl: database.tls?.ssl ?? false,
      redisTls: redis?.tls.options,
      redisTlsInsecure: redis?.tls.insecure ?? false,
    },
  };
}

type Connections = ReturnType<typeof connectionSettings>['settings'];

function encryptionKeys(env: ParsedEnv): { keys: EncryptionKey[]; problems: string[] } {
  if (!env.WHOP_TOKEN_ENCRYPTION_KEY) return { keys: [], problems: [] };
  try {
    return { keys: parseEncryptionKeys(env.WHOP_TOKEN_ENCRYPTION_KEY), problems: [] };
  } catch (error) {
    return { keys: [], problems: [`WHOP_TOKEN_ENCRYPTION_KEY: ${errorMessage(error)}`] };
  }
}

/** Parses and checks the environment for `role`; throws a ConfigError naming every problem at once. */
function parseEnvironment(
  rawEnv: Env,
  role: ProcessRole,
): { env: ParsedEnv; connections: Connections; tokenEncryptionKeys: EncryptionKey[] } {
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
  const connections = connectionSettings(env, role);
  const keys = role === 'release' ? { keys: [], problems: [] } : encryptionKeys(env);
  const problems = [
    ...(isProduction ? productionProblems(env, role) : []),
    ...connections.problems,
    ...storage(env, isProduction),
    ...keys.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return { env, connections: connections.settings, tokenEncryptionKeys: keys.keys };
}

/** The configuration of the web (default) or worker role. */
export function loadConfig(rawEnv: Env, role: Exclude<ProcessRole, 'release'> = 'web'): Readonly<Config> {
  const { env, connections, tokenEncryptionKeys } = parseEnvironment(rawEnv, role);
  return Object.freeze({
    ...(env.NODE_ENV === 'production'
      ? productionConfig(env, tokenEncryptionKeys)
      : developmentConfig(env, tokenEncryptionKeys)),
    role,
    ...connections,
  });
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

/** A configuration before the role and the connections' settings are added. */
type RoleFreeConfig = Omit<Config, 'role' | keyof Connections>;

function logLevel(env: ParsedEnv): string {
  return env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('unreachable: checked by productionProblems');
  return value;
}

function productionConfig(env: ParsedEnv, tokenEncryptionKeys: EncryptionKey[]): RoleFreeConfig {
  return {
    ...common(env),
    embeddedDatabasePassword: undefined,
    // Required for the web role (productionProblems); the worker has no use for either.
    port: env.PORT,
    appUrl: required(env.APP_URL).replace(/\/$/, ''),
    sessionSecrets: env.SESSION_SECRET ?? [],
    whop: {
      sandbox: false,
      apiBase: env.WHOP_API_BASE ?? 'https://api.whop.com/api/v1',
      oauthIssuer: env.WHOP_OAUTH_ISSUER ?? 'https://api.whop.com',
      apiKey: required(env.WHOP_API_KEY),
      clientId: required(env.WHOP_CLIENT_ID),
      clientSecret:
        env.WHOP_OAUTH_CLIENT_AUTH === 'none' ? (env.WHOP_CLIENT_SECRET ?? '') : required(env.WHOP_CLIENT_SECRET),
      appId: required(env.WHOP_APP_ID),
      companyId: required(env.WHOP_COMPANY_ID),
      ...whopProtocol(env),
      webhookSecrets: required(env.WHOP_WEBHOOK_SECRET),
      tokenEncryptionKeys,
      tierProducts: required(env.WHOP_TIER_PRODUCTS),
      checkoutUrls: env.WHOP_CHECKOUT_URLS ?? {},
    },
    adminWhopUserIds: required(env.ADMIN_WHOP_USER_IDS),
    smtpUrl: required(env.SMTP_URL),
    mailFrom: required(env.MAIL_FROM),
    insecureUrlsAllowed: env.ALLOW_INSECURE_URLS ? insecureUrlSettings(env) : [],
  };
}

function developmentConfig(env: ParsedEnv, tokenEncryptionKeys: EncryptionKey[]): RoleFreeConfig {
  const port = env.PORT ?? 3000;
  const appUrl = (env.APP_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const sandboxOrigin = `http://localhost:${env.SANDBOX_PORT}`;
  const local = loadLocalSecrets(env.VAR_DIR);
  const clientId = env.WHOP_CLIENT_ID ?? SANDBOX_CLIENT_ID;
  return {
    ...common(env),
    embeddedDatabasePassword: local.databasePassword,
    port,
    appUrl,
    sessionSecrets: env.SESSION_SECRET ?? [local.sessionSecret],
    whop: {
      sandbox: env.WHOP_SANDBOX ?? env.WHOP_API_KEY === undefined,
      apiBase: env.WHOP_API_BASE ?? `${sandboxOrigin}/api/v1`,
      oauthIssuer: env.WHOP_OAUTH_ISSUER ?? sandboxOrigin,
      apiKey: env.WHOP_API_KEY ?? local.sandboxApiKey,
      clientId,
      clientSecret: env.WHOP_CLIENT_SECRET ?? local.sandboxClientSecret,
      // On Whop the app id is the OAuth client id; the sandbox registers its app under it.
      appId: env.WHOP_APP_ID ?? clientId,
      companyId: env.WHOP_COMPANY_ID ?? SANDBOX_COMPANY_ID,
      ...whopProtocol(env),
      webhookSecrets: env.WHOP_WEBHOOK_SECRET ?? [local.sandboxWebhookSecret],
      tokenEncryptionKeys:
        tokenEncryptionKeys.length > 0 ? tokenEncryptionKeys : parseEncryptionKeys(local.tokenEncryptionKey),
      tierProducts: env.WHOP_TIER_PRODUCTS ?? { ...SANDBOX_TIER_PRODUCTS },
      checkoutUrls: env.WHOP_CHECKOUT_URLS ?? sandboxCheckoutUrls(sandboxOrigin),
    },
    adminWhopUserIds: env.ADMIN_WHOP_USER_IDS ?? ['user_admin'],
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? 'Chronos <no-reply@chronos.localhost>',
    // Outside production plain http (the sandbox, a local mail catcher) is the normal case.
    insecureUrlsAllowed: [],
  };
}

function whopProtocol(env: ParsedEnv) {
  return {
    apiVersionDate: env.WHOP_API_VERSION_DATE ?? SDK_API_VERSION_DATE,
    oauthClientAuth: env.WHOP_OAUTH_CLIENT_AUTH,
    idTokenAlg: env.WHOP_ID_TOKEN_ALG,
  };
}

function sandboxCheckoutUrls(sandboxOrigin: string): Partial<Record<Tier, string>> {
  const urls: Partial<Record<Tier, string>> = {};
  for (const [productId, tier] of Object.entries(SANDBOX_TIER_PRODUCTS))
    urls[tier] = `${sandboxOrigin}/sandbox/checkout/${productId}`;
  return urls;
}

function common(env: ParsedEnv) {
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    varDir: env.VAR_DIR,
    logLevel: logLevel(env),
    sessionMaxAgeDays: env.SESSION_MAX_AGE_DAYS,
    databasePoolMax: env.DATABASE_POOL_MAX,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    sandboxPort: env.SANDBOX_PORT,
    sandboxOrigin: `http://localhost:${env.SANDBOX_PORT}`,
    sandboxAccessTokenTtlSeconds: env.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
    smtpUrl: env.SMTP_URL,
    rateLimits: {
      authPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
      apiPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      apiTokenPerMinute: env.API_TOKEN_RATE_LIMIT_PER_MINUTE,
    },
    // Production runs behind the platform's one router; elsewhere nothing stands in front.
    trustProxyHops: env.TRUST_PROXY_HOPS ?? (env.NODE_ENV === 'production' ? 1 : 0),
    webhooks: { acceptLegacy: env.WHOP_LEGACY_WEBHOOKS, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS },
    worker: {
      inWebProcess: env.WORKER_IN_WEB ?? env.NODE_ENV !== 'production',
      reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
      webhookLoops: env.WEBHOOK_WORKER_LOOPS,
    },
    gracePeriodDays: env.GRACE_PERIOD_DAYS,
    media: {
      ...mediaStorageConfig(env),
      directory: env.MEDIA_DIR ?? `${env.VAR_DIR}/media`,
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
      uploadExpiryMs: env.UPLOAD_EXPIRY_HOURS * 3_600_000,
    },
    metricsToken: env.METRICS_TOKEN,
    sentryDsn: env.SENTRY_DSN,
    supportEmail: env.SUPPORT_EMAIL,
    whopApp: whopAppConfig(env),
  };
}

/** Whop's production origins (whop.com and its subdomains); the sandbox's origin elsewhere. */
const WHOP_PRODUCTION_FRAME_ANCESTORS = ['https://whop.com', 'https://*.whop.com'];

function whopAppConfig(env: ParsedEnv): WhopAppConfig {
  const isProduction = env.NODE_ENV === 'production';
  const sandboxOrigin = `http://localhost:${env.SANDBOX_PORT}`;
  const issuer = (env.WHOP_OAUTH_ISSUER ?? (isProduction ? 'https://api.whop.com' : sandboxOrigin)).replace(/\/$/, '');
  return {
    frameAncestors: env.WHOP_FRAME_ANCESTORS ?? (isProduction ? WHOP_PRODUCTION_FRAME_ANCESTORS : [sandboxOrigin]),
    // The official verifier's default is https://api.whop.com/.well-known/jwks.json, the issuer's JWKS.
    userTokenJwksUrl: env.WHOP_USER_TOKEN_JWKS_URL ?? `${issuer}/.well-known/jwks.json`,
    sandboxAppProxyPort: env.SANDBOX_APP_PROXY_PORT ?? Math.min(env.SANDBOX_PORT + 1, 65535),
  };
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
