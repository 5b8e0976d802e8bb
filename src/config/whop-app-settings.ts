/** Chronos as a Whop App inside whop.com (docs/WHOP_INTEGRATION_GUIDE.md): who may frame it, whose users it trusts. */
import type { ParsedEnv } from './env-schema.ts';

export interface WhopAppConfig {
  /** Origins that may frame the embedded routes (`frame-ancestors`); every other page stays unframeable. */
  frameAncestors: string[];
  /** Where the ES256 keys of `x-whop-user-token` are published (Whop's JWKS; the sandbox's in development). */
  userTokenJwksUrl: string;
  /** Development: the port of the sandbox's app proxy, the origin its Whop frame pages show the app through. */
  sandboxAppProxyPort: number;
}

/** Whop's production origins (whop.com and its subdomains); the sandbox's origin elsewhere. */
const WHOP_PRODUCTION_FRAME_ANCESTORS = ['https://whop.com', 'https://*.whop.com'];

export function whopAppConfig(env: ParsedEnv): WhopAppConfig {
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
