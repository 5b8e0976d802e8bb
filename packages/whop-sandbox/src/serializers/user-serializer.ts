import type { User } from '@whop/sdk/resources/users';
import type { UserRecord } from '../state/sandbox-records.ts';

/** `GET /api/v1/users/{id}`: the public profile. */
export type UserJson = User & { email?: string };

/**
 * The sandbox adds `email` only when a user reads their own profile (`users/me`);
 * Whop's public profile has no email (apps get it from the id_token / userinfo).
 */
export function serializeUser(user: UserRecord, options: { includeEmail: boolean }): UserJson {
  const json: UserJson = {
    id: user.id,
    username: user.username,
    name: user.name,
    bio: null,
    created_at: user.created_at,
    profile_picture: user.profile_picture,
    balance: null,
    balance_history: null,
    earnings_usd: null,
    verification: null,
    whop_partner_enabled_at: null,
  };
  if (options.includeEmail) json.email = user.email;
  return json;
}

/** The short user object nested in memberships and payments. */
export function serializeUserRef(
  user: UserRecord | undefined,
): { id: string; username: string; name: string | null; email: string | null } | null {
  if (!user) return null;
  return { id: user.id, username: user.username, name: user.name, email: user.email };
}
