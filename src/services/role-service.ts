/**
 * A user's role, read from the database on each request (never frozen into the session):
 * `admin` (listed in ADMIN_WHOP_USER_IDS), `creator` (owns an onboarded company), `student`
 * (a student of some creator), or `member` (signed in, neither yet).
 */
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';

export type Role = 'admin' | 'creator' | 'student' | 'member';

export function createRoleService(deps: { models: Pick<Models, 'Creator' | 'Student'>; adminWhopUserIds: readonly string[] }) {
  const admins = new Set(deps.adminWhopUserIds);
  return {
    isAdmin(user: Pick<User, 'whopUserId'>): boolean {
      return admins.has(user.whopUserId);
    },
    async roleOf(user: Pick<User, 'id' | 'whopUserId'>): Promise<Role> {
      if (admins.has(user.whopUserId)) return 'admin';
      if ((await deps.models.Creator.count({ where: { ownerUserId: user.id } })) > 0) return 'creator';
      if ((await deps.models.Student.count({ where: { whopUserId: user.whopUserId } })) > 0) return 'student';
      return 'member';
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
