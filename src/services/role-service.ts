/**
 * Who is signed in, read from the database on each request (never frozen into the session):
 * the user, their role — `admin` (listed in ADMIN_WHOP_USER_IDS), `creator` (owns an onboarded
 * company and is still its admin on Whop), `student` (a student of some creator), or `member` (signed in, neither yet)
 * — and the creator row, which most pages of a creator need. Every page runs this, so all three come
 * from one prepared statement (db/prepared-reads.ts) with the user's id as a bound parameter.
 */
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';
import type { Creator } from '../models/creator-model.ts';
import { buildFromColumns, selectColumns } from '../models/model-columns.ts';
import { preparedStatement, type PreparedReads } from '../db/prepared-reads.ts';

export type Role = 'admin' | 'creator' | 'student' | 'member';

/** Who is signed in (`req.currentUser`, loaded on each request by middleware/current-user.ts). */
export interface UserContext {
  user: User;
  role: Role;
  /** The company this user runs on Chronos, if any. */
  creator: Creator | null;
}

export function createRoleService(deps: {
  reads: PreparedReads;
  models: Pick<Models, 'User' | 'Creator'>;
  adminWhopUserIds: readonly string[];
}) {
  const admins = new Set(deps.adminWhopUserIds);
  const { User, Creator } = deps.models;
  const contextStatement = preparedStatement(
    'chronos_user_context',
    `SELECT ${selectColumns(User, 'u', 'user')}, ${selectColumns(Creator, 'c', 'creator')},
      (c.id IS NULL AND EXISTS (SELECT 1 FROM students s WHERE s.whop_user_id = u.whop_user_id)) AS "isStudent"
    FROM users u LEFT JOIN creators c ON c.owner_user_id = u.id AND c.owner_access = 'admin'
    WHERE u.id = $1`,
  );

  function contextFrom(row: Record<string, unknown> | undefined): UserContext | null {
    const user = row ? buildFromColumns(User, row, 'user') : null;
    if (!row || !user) return null;
    const creator = buildFromColumns(Creator, row, 'creator');
    const role: Role = admins.has(user.whopUserId)
      ? 'admin'
      : creator
        ? 'creator'
        : row.isStudent
          ? 'student'
          : 'member';
    return { user, role, creator };
  }

  /** The user with this id, their role and creator row; null when the user is gone. */
  async function contextOf(userId: number): Promise<UserContext | null> {
    const [row] = await deps.reads.read<Record<string, unknown>>(contextStatement, [userId]);
    return contextFrom(row);
  }

  return { contextOf };
}

export type RoleService = ReturnType<typeof createRoleService>;
