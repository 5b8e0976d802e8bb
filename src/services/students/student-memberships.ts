/**
 * A student's memberships (`student_memberships`, one row per Whop membership of the creator's
 * products) and the student row's standing drawn from them (issue 17):
 *
 * - A membership is stored only if its change is not older (`updated_at`) than the one stored
 *   for the same membership: an older change never wins, membership by membership.
 * - `grants_access`: its status grants access (membership-access.ts), or it is `past_due` and
 *   its grace period, counted from when it first went past_due, has not run out on the clock.
 * - The student has access while ANY of their memberships grants it.
 * - The student row's membership columns (`whop_membership_id`, `whop_product_id`,
 *   `membership_status`, `membership_updated_at`, `grace_ends_at`, `manage_url`, `joined_at`)
 *   summarise the leading membership: of those granting access, the one that joined first (the
 *   seat order: `created_at`, then membership id); when none does, the latest changed (its
 *   status is the one the student is told, its manage page the renew link).
 *
 * Callers hold the creator's row lock (student-service.ts), so a student's memberships change
 * one at a time.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { StudentStatus } from '../../models/student-model.ts';
import type { MembershipAccess } from '../whop/membership-access.ts';

/** One membership as it is stored; `graceFrom`: when a grace period starting now would end. */
export interface MembershipFields {
  membershipId: string;
  productId: string | null;
  membershipStatus: string;
  membershipUpdatedAt: Date;
  createdAt: Date | null;
  manageUrl: string | null;
}

/** The leading membership of the student's, in the order the summary takes it. */
export const LEADING_ORDER = `grants_access DESC,
  CASE WHEN grants_access THEN membership_created_at END ASC NULLS LAST,
  CASE WHEN grants_access THEN whop_membership_id END COLLATE "C",
  membership_updated_at DESC, whop_membership_id COLLATE "C"`;

/**
 * Stores one membership of `studentId` unless what is stored of it is newer. Returns whether it
 * grants access, or null when the change is stale. `access`: what its status means; a `past_due`
 * membership keeps the grace end it got when it went past_due, else gets `graceEndsAt`.
 */
export async function storeMembership(
  sequelize: Sequelize,
  change: { studentId: number; fields: MembershipFields; access: MembershipAccess; graceEndsAt: Date; now: Date },
  transaction: Transaction,
): Promise<{ grantsAccess: boolean } | null> {
  const [row] = await sequelize.query<{ grants_access: boolean }>(
    `WITH prior AS (
       SELECT grace_ends_at FROM student_memberships
        WHERE whop_membership_id = :membershipId AND membership_status = 'past_due'
     ), grace AS (
       SELECT CASE WHEN :access = 'grace'
                   THEN coalesce((SELECT grace_ends_at FROM prior), CAST(:graceEndsAt AS timestamptz)) END AS ends
     )
     INSERT INTO student_memberships AS sm (student_id, whop_membership_id, whop_product_id, membership_status,
            membership_updated_at, membership_created_at, grace_ends_at, grants_access, manage_url)
     SELECT :studentId, :membershipId, :productId, :membershipStatus, :membershipUpdatedAt, :createdAt, grace.ends,
            CASE :access WHEN 'grants' THEN true WHEN 'grace' THEN grace.ends > :now ELSE false END, :manageUrl
       FROM grace
     ON CONFLICT (whop_membership_id) DO UPDATE SET student_id = EXCLUDED.student_id,
            whop_product_id = coalesce(EXCLUDED.whop_product_id, sm.whop_product_id),
            membership_status = EXCLUDED.membership_status, membership_updated_at = EXCLUDED.membership_updated_at,
            membership_created_at = coalesce(EXCLUDED.membership_created_at, sm.membership_created_at),
            grace_ends_at = EXCLUDED.grace_ends_at, grants_access = EXCLUDED.grants_access,
            manage_url = coalesce(EXCLUDED.manage_url, sm.manage_url), updated_at = now()
      WHERE sm.membership_updated_at <= EXCLUDED.membership_updated_at
     RETURNING sm.grants_access`,
    {
      replacements: {
        ...change.fields,
        studentId: change.studentId,
        access: change.access,
        graceEndsAt: change.graceEndsAt,
        now: change.now,
      },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return row ? { grantsAccess: row.grants_access } : null;
}

/** A student's standing after `settleStanding`, with the status they had before it. */
export interface Standing {
  id: number;
  status: StudentStatus;
  previous_status: StudentStatus;
  /** Whether any of their memberships grants access. */
  has_access: boolean;
  joined_at: Date;
  whop_membership_id: string | null;
}

/**
 * Draws the students' status and summary columns from their memberships, in one statement. A
 * student with access keeps a seat they hold (`active`) and otherwise waits (`over_limit`), or
 * is seated at once when `unlimited` (the seat rule then settles the order); without access
 * they become `endedStatus`. `username`/`memberId`: the Whop details the change brought, if any.
 */
export async function settleStanding(
  sequelize: Sequelize,
  change: {
    studentIds: number[];
    unlimited: boolean;
    endedStatus: Extract<StudentStatus, 'inactive' | 'archived'>;
    username?: string | null;
    memberId?: string | null;
  },
  transaction: Transaction,
): Promise<Standing[]> {
  if (change.studentIds.length === 0) return [];
  return sequelize.query<Standing>(
    `UPDATE students s SET
            status = CASE WHEN NOT l.grants_access THEN :endedStatus
                          WHEN :unlimited OR old.status = 'active' THEN 'active' ELSE 'over_limit' END,
            username = coalesce(:username, s.username), whop_member_id = coalesce(:memberId, s.whop_member_id),
            whop_membership_id = l.whop_membership_id, whop_product_id = coalesce(l.whop_product_id, s.whop_product_id),
            membership_status = l.membership_status, membership_updated_at = l.membership_updated_at,
            grace_ends_at = l.grace_ends_at, manage_url = coalesce(l.manage_url, s.manage_url),
            joined_at = coalesce(l.membership_created_at, s.joined_at), updated_at = now()
       FROM (SELECT DISTINCT ON (student_id) * FROM student_memberships WHERE student_id IN (:studentIds)
              ORDER BY student_id, ${LEADING_ORDER}) l,
            students old
      WHERE s.id = l.student_id AND old.id = s.id
      RETURNING s.id, s.status, old.status AS previous_status, l.grants_access AS has_access, s.joined_at,
                s.whop_membership_id`,
    {
      replacements: {
        studentIds: change.studentIds,
        unlimited: change.unlimited,
        endedStatus: change.endedStatus,
        username: change.username ?? null,
        memberId: change.memberId ?? null,
      },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
}

/**
 * The past_due memberships of the creator's students whose grace period ran out by `now` stop
 * granting; their students.
 */
export async function endExpiredGrace(
  sequelize: Sequelize,
  creatorId: number,
  now: Date,
  transaction: Transaction,
): Promise<number[]> {
  const rows = await sequelize.query<{ student_id: number }>(
    `UPDATE student_memberships sm SET grants_access = false, updated_at = now()
       FROM students s
      WHERE s.id = sm.student_id AND s.creator_id = :creatorId AND ${EXPIRED_GRACE}
      RETURNING sm.student_id`,
    { replacements: { creatorId, now }, type: QueryTypes.SELECT, transaction },
  );
  return [...new Set(rows.map((r) => r.student_id))];
}

/** A membership whose grace period has run out by `:now` (alias `sm`). */
export const EXPIRED_GRACE = "sm.grants_access AND sm.membership_status = 'past_due' AND sm.grace_ends_at <= :now";
