/**
 * Chronos's Whop: the API and OAuth endpoints and credentials, the products that are tiers,
 * webhook deliveries, the admins, and the sandbox that stands in for Whop in development
 * (its credentials generated once in var/secrets.json). Production has no fallback for any
 * credential: productionProblems requires each one.
 */
import type { ParsedEnv } from './env-schema.ts';
import type { LocalSecrets } from './local-secrets.ts';
import type { Tier } from '../domain/tier-table.ts';
import { errorMessage } from '../domain/app-errors.ts';
import { parseEncryptionKeys, type EncryptionKey } from './config-keys.ts';
import { required } from './production-requirements.ts';

/** How Chronos authenticates at Whop's token endpoint; `none` is a public client (PKCE only). */
export type OAuthClientAuth = 'client_secret_post' | 'client_secret_basic' | 'none';

export interface WhopConfig {
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
}

export interface WhopSettings {
  whop: WhopConfig;
  adminWhopUserIds: string[];
  sandboxPort: number;
  sandboxOrigin: string;
  /** Lifetime of the sandbox's access tokens (Whop: 3600 s); shorter to watch refreshes happen. */
  sandboxAccessTokenTtlSeconds: number;
  webhooks: {
    /** Accept legacy v5 deliveries (`X-Whop-Signature: t=…,v1=<hex>`, `{action, data}` body). */
    acceptLegacy: boolean;
    /** Processing attempts before an event is dead. */
    maxAttempts: number;
  };
  /** Days a creator keeps their tier after a failed Chronos plan payment. */
  gracePeriodDays: number;
}

const SANDBOX_CLIENT_ID = 'app_chronos_sandbox';
const SANDBOX_COMPANY_ID = 'biz_chronos';
/**
 * The API version the installed `@whop/sdk` pins by default (its client's constructor);
 * test/services/whop/whop-api-client.test.ts fails when an SDK upgrade changes it.
 */
export const SDK_API_VERSION_DATE = '2026-07-20';
const SANDBOX_TIER_PRODUCTS = { prod_basic: 'basic', prod_pro: 'pro', prod_enterprise: 'enterprise' } as const;

/** The keys of `WHOP_TOKEN_ENCRYPTION_KEY` (none when unset), or the problem naming it. */
export function tokenEncryptionKeys(env: ParsedEnv): { keys: EncryptionKey[]; problems: string[] } {
  if (!env.WHOP_TOKEN_ENCRYPTION_KEY) return { keys: [], problems: [] };
  try {
    return { keys: parseEncryptionKeys(env.WHOP_TOKEN_ENCRYPTION_KEY), problems: [] };
  } catch (error) {
    return { keys: [], problems: [`WHOP_TOKEN_ENCRYPTION_KEY: ${errorMessage(error)}`] };
  }
}

/** Production's: the real Whop, with every credential as given. */
export function productionWhopSettings(env: ParsedEnv, tokenEncryptionKeys: EncryptionKey[]): WhopSettings {
  return {
    ...sharedWhopSettings(env),
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
  };
}

/** Development's: the sandbox unless a Whop API key is set, its credentials from var/secrets.json. */
export function developmentWhopSettings(
  env: ParsedEnv,
  tokenEncryptionKeys: EncryptionKey[],
  local: LocalSecrets,
): WhopSettings {
  const sandboxOrigin = `http://localhost:${env.SANDBOX_PORT}`;
  const clientId = env.WHOP_CLIENT_ID ?? SANDBOX_CLIENT_ID;
  return {
    ...sharedWhopSettings(env),
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
  };
}

function sharedWhopSettings(env: ParsedEnv) {
  return {
    sandboxPort: env.SANDBOX_PORT,
    sandboxOrigin: `http://localhost:${env.SANDBOX_PORT}`,
    sandboxAccessTokenTtlSeconds: env.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
    webhooks: { acceptLegacy: env.WHOP_LEGACY_WEBHOOKS, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS },
    gracePeriodDays: env.GRACE_PERIOD_DAYS,
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
