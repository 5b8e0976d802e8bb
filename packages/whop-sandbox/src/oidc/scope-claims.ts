/** The scopes the provider knows and the user claims each one releases. */
import type { SandboxUser } from '../sandbox-contracts.ts';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;

export const SUPPORTED_CLAIMS = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'name',
  'preferred_username',
  'picture',
  'email',
  'email_verified',
] as const;

export type ScopeParseResult = { ok: true; scope: string } | { ok: false; problem: string };

/** Checks a space-delimited scope string: it must hold `openid` and known scopes only. */
export function parseScope(raw: string): ScopeParseResult {
  const requested = new Set(raw.split(' ').filter((part) => part.length > 0));
  const unknown = [...requested].filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return { ok: false, problem: `unknown scope: ${unknown.join(' ')}` };
  if (!requested.has('openid')) return { ok: false, problem: 'the openid scope is required' };
  return { ok: true, scope: SUPPORTED_SCOPES.filter((s) => requested.has(s)).join(' ') };
}

export function scopeIncludes(scope: string, wanted: string): boolean {
  return scope.split(' ').includes(wanted);
}

/** True when every scope of `narrower` is also in `wider`. */
export function isScopeSubset(narrower: string, wider: string): boolean {
  const granted = new Set(wider.split(' '));
  return narrower.split(' ').every((s) => granted.has(s));
}

/** Profile and email claims released by `scope` (for the id token and userinfo alike). */
export function userClaims(user: SandboxUser, scope: string): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  if (scopeIncludes(scope, 'profile')) {
    if (user.name !== null) claims.name = user.name;
    claims.preferred_username = user.username;
    if (user.profile_picture !== null) claims.picture = user.profile_picture.url;
  }
  if (scopeIncludes(scope, 'email')) {
    claims.email = user.email;
    claims.email_verified = true;
  }
  return claims;
}
