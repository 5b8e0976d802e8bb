/** Users as Chronos knows them: keyed by their Whop user id (`sub`), never by email. */
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';
import type { WhopIdentity } from './whop/whop-oidc-client.ts';

/**
 * The avatar Whop gave, when it is an `https:` URL; anything else (http:, data:, javascript:,
 * a relative path, garbage) is dropped and the page shows no image. A plain-http image would be
 * blocked as mixed content or leak the page view to the network, and a foreign scheme has no
 * business in an <img src>.
 */
export function avatarUrlFrom(picture: string | null): string | null {
  if (picture === null || !URL.canParse(picture)) return null;
  return new URL(picture).protocol === 'https:' ? picture : null;
}

export function createUserService(models: Pick<Models, 'User'>) {
  return {
    /** Creates or updates the user from their Whop identity and records the sign-in. */
    async recordSignIn(identity: WhopIdentity, at = new Date()): Promise<User> {
      const [user] = await models.User.upsert(
        {
          whopUserId: identity.sub,
          username: identity.username,
          name: identity.name,
          email: identity.email,
          avatarUrl: avatarUrlFrom(identity.picture),
          lastLoginAt: at,
        },
        { conflictFields: ['whop_user_id'] as never, returning: true },
      );
      return user;
    },

    async updateProfile(userId: number, identity: WhopIdentity): Promise<void> {
      await models.User.update(
        {
          username: identity.username,
          name: identity.name,
          email: identity.email,
          avatarUrl: avatarUrlFrom(identity.picture),
        },
        { where: { id: userId, whopUserId: identity.sub } },
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
