/**
 * What production requires beyond the schema's forms: the settings each role must be given
 * (production has no development defaults and no generated secrets), an https APP_URL, the
 * real Whop, and no clear-text URL unless ALLOW_INSECURE_URLS=on.
 */
import type { ParsedEnv } from './env-schema.ts';
import { INSECURE_URLS_OPT_OUT, insecureUrlSettings } from './insecure-urls.ts';

/**
 * The Procfile's roles. A platform gives `PORT` to the web role only, so each role requires, in
 * production, the settings it uses: `release` (migrations) the database's; `worker` all but the
 * web's own (`PORT`, `SESSION_SECRET`); `web` all.
 */
export type ProcessRole = 'web' | 'worker' | 'release';

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

/** The production settings that are missing; a public client (`WHOP_OAUTH_CLIENT_AUTH=none`) has no secret. */
export function missingInProduction(
  env: Partial<Record<(typeof REQUIRED_IN_PRODUCTION)[number] | 'WHOP_OAUTH_CLIENT_AUTH', unknown>>,
  role: ProcessRole,
): string[] {
  return requiredFor(role)
    .filter(
      (name) => env[name] === undefined && !(name === 'WHOP_CLIENT_SECRET' && env.WHOP_OAUTH_CLIENT_AUTH === 'none'),
    )
    .map((name) => `${name} is required in production`);
}

/** Everything production refuses in settings that parsed: missing ones, plain http, the sandbox. */
export function productionProblems(env: ParsedEnv, role: ProcessRole): string[] {
  const problems = missingInProduction(env, role);
  if (env.APP_URL && !env.APP_URL.startsWith('https://'))
    problems.push('APP_URL must be an https:// URL in production');
  if (env.WHOP_SANDBOX === true) problems.push('WHOP_SANDBOX must be off in production');
  if (!env.ALLOW_INSECURE_URLS)
    problems.push(...insecureUrlSettings(env).map((p) => `${p} (or set ${INSECURE_URLS_OPT_OUT}=on)`));
  return problems;
}

/** A production setting that `productionProblems` has already required. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('unreachable: checked by productionProblems');
  return value;
}
