/**
 * A user's role, read from the database on each request (never frozen into the session):
 * `admin` (listed in ADMIN_WHOP_USER_IDS), `creator` (owns an onboarded company), `student`
 * (a student of some creator), or `member` (signed in, neither yet). The creator row comes
 * along, as most pages of a creator need it.
 */
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';
import type { Creator } from '../models/creator-model.ts';

export type Role = 'admin' | 'creator' | 'student' | 'member';

export function createRoleService(deps: { models: Pick<Models, 'Creator' | 'Student'>; adminWhopUserIds: readonly string[] }) {
  const admins = new Set(deps.adminWhopUserIds);
  return {
    async contextOf(user: Pick<User, 'id' | 'whopUserId'>): Promise<{ role: Role; creator: Creator | null }> {
      const creator = await deps.models.Creator.findOne({ where: { ownerUserId: user.id } });
      if (admins.has(user.whopUserId)) return { role: 'admin', creator };
      if (creator) return { role: 'creator', creator };
      const student = await deps.models.Student.findOne({ where: { whopUserId: user.whopUserId }, attributes: ['id'] });
      return { role: student ? 'student' : 'member', creator: null };
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
