/**
 * What the environment may say: every setting Chronos reads, its form and its default. Empty
 * values are removed before parsing (parse-environment.ts); production's extra requirements
 * are production-requirements.ts's.
 */
import { z } from 'zod';
import { TIERS } from '../domain/tier-table.ts';

/** The process environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

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

export const envSchema = z.object({
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
  MEDIA_READ_KIB: positiveInt.min(16).max(8192).default(1024),
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

export type ParsedEnv = z.infer<typeof envSchema>;
