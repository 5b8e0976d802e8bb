/**
 * Who is signed in, read from the database on each request (never frozen into the session):
 * the user, their role — `admin` (listed in ADMIN_WHOP_USER_IDS), `creator` (owns an onboarded
 * company), `student` (a student of some creator), or `member` (signed in, neither yet) — and
 * the creator row, which most pages of a creator need. One statement reads all three (every
 * page runs it, so it goes straight through the driver: see hot-read.ts), and can read a page's
 * own data along with them (middleware/read-ahead.ts).
 */
import type { Sequelize } from 'sequelize';
import type { Models } from '../models/init-models.ts';
import type { User } from '../models/user-model.ts';
import type { Creator } from '../models/creator-model.ts';
import { buildFromColumns, selectColumns } from '../models/model-columns.ts';
import { hotRead } from '../db/hot-read.ts';
import type { ReadAheadColumns } from '../middleware/read-ahead.ts';

export type Role = 'admin' | 'creator' | 'student' | 'member';

export interface UserContext {
  user: User;
  role: Role;
  creator: Creator | null;
}

export function createRoleService(deps: { sequelize: Sequelize; models: Pick<Models, 'User' | 'Creator'>; adminWhopUserIds: readonly string[] }) {
  const admins = new Set(deps.adminWhopUserIds);
  const { User, Creator } = deps.models;
  const contextColumns = `${selectColumns(User, 'u', 'user')}, ${selectColumns(Creator, 'c', 'creator')},
      (c.id IS NULL AND EXISTS (SELECT 1 FROM students s WHERE s.whop_user_id = u.whop_user_id)) AS "isStudent"`;
  /** `c` is the creator the user owns (all NULL when none): read-ahead columns may use `c.id`. */
  const statement = (more: string) => `SELECT ${contextColumns}${more}
    FROM users u LEFT JOIN creators c ON c.owner_user_id = u.id
    WHERE u.id = $1`;
  const contextOnly = statement('');

  function contextFrom(row: Record<string, unknown> | undefined): UserContext | null {
    const user = row ? buildFromColumns(User, row, 'user') : null;
    if (!row || !user) return null;
    const creator = buildFromColumns(Creator, row, 'creator');
    const role: Role = admins.has(user.whopUserId) ? 'admin' : creator ? 'creator' : row.isStudent ? 'student' : 'member';
    return { user, role, creator };
  }

  /**
   * The user with this id, their role and creator row (null when the user is gone), read
   * together with more columns of the caller's if given (a page's read-ahead, whose parameters
   * start at `$2`) in one statement; `row` holds them.
   */
  async function contextWith(userId: number, more?: ReadAheadColumns): Promise<{ context: UserContext | null; row: Record<string, unknown> | undefined }> {
    const [row] = await hotRead<Record<string, unknown>>(deps.sequelize, more ? { text: statement(`,\n${more.columns}`), values: [userId, ...more.values] } : { text: contextOnly, values: [userId] });
    return { context: contextFrom(row), row };
  }

  return { contextWith };
}

export type RoleService = ReturnType<typeof createRoleService>;
