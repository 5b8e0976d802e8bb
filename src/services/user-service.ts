/** Users as Chronos knows them: keyed by their Whop user id (`sub`), never by email. */
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';
import type { WhopIdentity } from './whop/whop-oidc-client.ts';

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
          avatarUrl: identity.picture,
          lastLoginAt: at,
        },
        { conflictFields: ['whop_user_id'] as never, returning: true },
      );
      return user;
    },

    async updateProfile(userId: number, identity: WhopIdentity): Promise<void> {
      await models.User.update(
        { username: identity.username, name: identity.name, email: identity.email, avatarUrl: identity.picture },
        { where: { id: userId, whopUserId: identity.sub } },
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
