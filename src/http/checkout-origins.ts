/**
 * Where the "Upgrade" forms may end up. `POST /pricing/checkout` answers with a redirect to
 * Whop's `purchase_url`, and browsers apply the CSP `form-action` to a form's redirects too, so
 * the checkout's origin must be listed: `https://whop.com` against real Whop, the sandbox's
 * origin (which serves the purchase URLs) in development, and the origin of each configured
 * `WHOP_CHECKOUT_URLS` link (the fallback when Whop cannot make a checkout).
 */
import type { Config } from '../config/config.ts';

const WHOP_CHECKOUT_ORIGIN = 'https://whop.com';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function checkoutOrigins(config: Pick<Config, 'whop'>): string[] {
  const origins = new Set<string>();
  const api = originOf(config.whop.apiBase);
  if (config.whop.sandbox && api) origins.add(api);
  else origins.add(WHOP_CHECKOUT_ORIGIN);
  for (const url of Object.values(config.whop.checkoutUrls)) {
    const origin = url ? originOf(url) : undefined;
    if (origin) origins.add(origin);
  }
  return [...origins];
}
