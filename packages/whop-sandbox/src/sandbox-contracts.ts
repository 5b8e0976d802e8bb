/**
 * The seams between the sandbox's parts: the options it is started with (built from
 * Chronos's config by the entry points), the user directory the OIDC provider reads,
 * and the token resolver the REST API uses to accept user access tokens.
 * The sandbox is a separate app: nothing here is shared with Chronos at run time.
 */
import type { Logger } from 'pino';

/** The one OAuth app / API credential registered in the sandbox (as Whop's dashboard shows it). */
export interface SandboxAppRegistration {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URI allowed at /oauth/authorize, e.g. `http://localhost:3000/api/whop/auth/callback`. */
  redirectUri: string;
  /** Where webhook events are POSTed, e.g. `http://localhost:3000/api/whop/webhook`. */
  webhookUrl: string;
  /** `ws_…` secret; HMAC key = its UTF-8 bytes. */
  webhookSecret: string;
  /** Bearer API key of the app (sees every company that installed the app). */
  apiKey: string;
  /** Chronos's own company, `biz_chronos` in the seed. It is the app's: always reachable, never installed. */
  companyId: string;
  /**
   * How the token and revocation endpoints authenticate the client (default
   * `client_secret_post`; `none`: a public client, PKCE only). Changeable at run time.
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic' | 'none' | undefined;
}

export interface SandboxOptions {
  /** Public origin of the sandbox, no trailing slash, e.g. `http://localhost:4010`. It is the OIDC issuer. */
  origin: string;
  app: SandboxAppRegistration;
  /** Folder for the signing key and saved state; undefined keeps everything in memory (tests). */
  dataDir?: string | undefined;
  /** Lifetime of access tokens issued by /oauth/token (Whop: 3600). */
  accessTokenTtlSeconds: number;
  /** Delays between webhook delivery attempts, e.g. [1000, 5000, 30000]; its length is the number of retries. */
  webhookRetryDelaysMs: number[];
  /** Per-credential REST rate limit per minute (Whop-like: 600). */
  apiRateLimitPerMinute: number;
  /** Whether webhook deliveries are sent at all (tests may turn them off). */
  deliverWebhooks: boolean;
  /**
   * Current time in epoch milliseconds (default `Date.now`). It drives every OIDC expiry
   * (codes, pending consent requests, access and refresh tokens); tests move it instead of sleeping.
   */
  now?: (() => number) | undefined;
  logger: Logger;
  /**
   * Port of the app proxy (Whop's iframe origin for the app, adding `x-whop-user-token`);
   * undefined runs none, 0 picks a free one (tests). Its origin is filled in at start.
   */
  appProxyPort?: number | undefined;
  appProxyOrigin?: string | undefined;
}

/** A Whop user as the v1 API returns it (`GET /api/v1/users/{id}`). */
export interface SandboxUser {
  id: string; // user_…
  username: string;
  name: string | null;
  email: string;
  profile_picture: { url: string } | null;
  created_at: string; // ISO-8601
}

/** Read access to users for the OIDC provider. */
export interface UserDirectory {
  getUser(id: string): SandboxUser | undefined;
  listUsers(): SandboxUser[];
}

/** What a valid user access token stands for. */
export interface AccessTokenInfo {
  userId: string;
  clientId: string;
  scope: string;
  /** epoch milliseconds */
  expiresAt: number;
}

/** Implemented by the OIDC provider, used by the REST API to accept user access tokens. */
export interface AccessTokenResolver {
  /** The token's info when it is known, unexpired and unrevoked; undefined otherwise. */
  resolveAccessToken(token: string): AccessTokenInfo | undefined;
}
