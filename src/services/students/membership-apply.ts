/**
 * One membership applied to a creator's students, the creator's row lock held: the student is
 * found or stored, the membership kept unless an older change (membership-by-membership, see
 * student-memberships.ts), the student's standing drawn from all their memberships, and the seat
 * rule (seat-assignment.ts) re-applied only when the change can move a seat.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { StudentStatus } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { accessOf } from '../whop/membership-access.ts';
import { assignSeats, seatsCanChange, type SeatStanding } from './seat-assignment.ts';
import { tierDefinition } from '../../domain/tier-table.ts';
import { settleStanding, storeMembership } from './student-memberships.ts';
import { holdsOrAwaitsSeat, STORED, storedStudent, type StoredStudent } from './stored-students.ts';

/** `unmatched`: the membership has no user (`user: null`) and matches no stored student. */
export type MembershipChange = 'created' | 'updated' | 'unchanged' | 'stale' | 'unmatched';

export interface AppliedMembership {
  studentId: number | null;
  status: StudentStatus | null;
  change: MembershipChange;
  /** Status before the change (undefined for a new student). */
  previousStatus: StudentStatus | undefined;
  /** The student's Whop user (the stored one when the membership names none). */
  userId: string | null;
}

export function createMembershipApply(deps: { sequelize: Sequelize; now: () => number; graceMs: number }) {
  const { now, graceMs } = deps;

  /** What a membership makes of a new student: its access, grace end, provisional status, the row's fields. */
  function planChange(creator: { id: number; tier: Creator['tier'] }, membership: WhopMembership, userId: string) {
    const access = accessOf(membership.status);
    // past_due: access is kept for the grace period, counted from when the membership first went
    // past_due (storeMembership keeps an earlier end); this is the end of one starting now.
    const graceEndsAt = new Date(now() + graceMs);
    // Without a limit everybody with access is seated. With one, a new student with access waits
    // for a seat provisionally; assignSeats decides when this change can move a seat.
    const limit = tierDefinition(creator.tier).limits.students;
    const grantsAccess = access === 'grants' || (access === 'grace' && graceEndsAt.getTime() > now());
    const status: StudentStatus = !grantsAccess ? 'inactive' : limit === null ? 'active' : 'over_limit';
    const joinedAt = membership.createdAt ?? new Date(now());
    const fields = {
      creatorId: creator.id,
      userId,
      username: membership.username,
      membershipId: membership.id,
      productId: membership.productId || null,
      memberId: membership.memberId ?? null,
      status,
      membershipStatus: membership.status,
      membershipUpdatedAt: membership.updatedAt,
      joinedAt,
      createdAt: membership.createdAt ?? null,
      graceEndsAt: access === 'grace' ? graceEndsAt : null,
      grantsAccess,
      manageUrl: membership.manageUrl ?? null,
    };
    const after: SeatStanding = {
      hasAccess: holdsOrAwaitsSeat(status),
      joinedAt: joinedAt.getTime(),
      membershipId: membership.id,
    };
    return { access, limit, status, fields, after, graceEndsAt };
  }

  /**
   * A member's student row, in one statement: the stored one (locked), or, for a member seen for
   * the first time, a new one stored from `fields` (planned as for a new student) with its first
   * membership. `existing` undefined and no `createdId`: a row appeared outside the creator's
   * lock; read it again.
   */
  async function findOrCreate(
    fields: ReturnType<typeof planChange>['fields'],
    transaction: Transaction,
  ): Promise<{ existing?: StoredStudent; createdId?: number }> {
    const [row] = await deps.sequelize.query<{ existing: StoredStudent | null; created_id: number | null }>(
      `WITH found AS (
         SELECT ${STORED} FROM students WHERE creator_id = :creatorId AND whop_user_id = :userId FOR UPDATE
       ), created AS (
         INSERT INTO students (creator_id, whop_user_id, username, whop_membership_id, whop_product_id, whop_member_id,
           status, membership_status, membership_updated_at, joined_at, grace_ends_at, manage_url)
         SELECT :creatorId, :userId, :username, :membershipId, :productId, :memberId, :status, :membershipStatus,
           :membershipUpdatedAt, :joinedAt, :graceEndsAt, :manageUrl
          WHERE NOT EXISTS (SELECT 1 FROM found)
         ON CONFLICT (creator_id, whop_user_id) DO NOTHING
         RETURNING id
       ), held AS (
         INSERT INTO student_memberships (student_id, whop_membership_id, whop_product_id, membership_status,
                membership_updated_at,
                membership_created_at, grace_ends_at, grants_access, manage_url)
         SELECT id, :membershipId, :productId, :membershipStatus, :membershipUpdatedAt, :createdAt, :graceEndsAt,
                :grantsAccess, :manageUrl
           FROM created
         ON CONFLICT (whop_membership_id) DO NOTHING
       )
       SELECT (SELECT row_to_json(found) FROM found) AS existing, (SELECT id FROM created) AS created_id`,
      { replacements: fields, type: QueryTypes.SELECT, transaction },
    );
    return { existing: row?.existing ?? undefined, createdId: row?.created_id ?? undefined };
  }

  /** Re-applies the seat rule if this change can move a seat; the student's status after it. */
  async function settleSeat(
    creator: { id: number; tier: Creator['tier'] },
    studentId: number,
    planned: { limit: number | null; status: StudentStatus; after: SeatStanding },
    before: SeatStanding | undefined,
    transaction: Transaction,
  ): Promise<StudentStatus> {
    if (planned.limit === null || !seatsCanChange(before, planned.after)) return planned.status;
    const seats = await assignSeats(deps.sequelize, creator, transaction);
    if (seats.seated.includes(studentId)) return 'active';
    if (seats.unseated.includes(studentId)) return 'over_limit';
    return planned.status;
  }

  const standingOf = (row: Pick<StoredStudent, 'status' | 'joined_at' | 'whop_membership_id'>): SeatStanding => ({
    hasAccess: holdsOrAwaitsSeat(row.status),
    joinedAt: new Date(row.joined_at).getTime(),
    membershipId: row.whop_membership_id,
  });

  async function applyToLockedCreator(
    creator: { id: number; tier: Creator['tier'] },
    membership: WhopMembership,
    transaction: Transaction,
  ): Promise<AppliedMembership> {
    let existing: StoredStudent | undefined;
    const planned = planChange(creator, membership, membership.userId ?? '');
    if (membership.userId) {
      // Most members are new when their first event comes: looked up and stored in one round trip.
      const found = await findOrCreate(planned.fields, transaction);
      if (found.createdId !== undefined) {
        const status = await settleSeat(creator, found.createdId, planned, undefined, transaction);
        return {
          studentId: found.createdId,
          status,
          change: 'created',
          previousStatus: undefined,
          userId: membership.userId,
        };
      }
      existing = found.existing ?? (await storedStudent(deps.sequelize, creator.id, membership, transaction));
      if (!existing) throw new Error(`the student ${membership.userId} of creator ${creator.id} changed meanwhile`);
    } else {
      existing = await storedStudent(deps.sequelize, creator.id, membership, transaction);
      if (!existing)
        return { studentId: null, status: null, change: 'unmatched', previousStatus: undefined, userId: null };
    }
    const userId = membership.userId ?? existing.whop_user_id;
    const kept = await storeMembership(
      deps.sequelize,
      {
        studentId: existing.id,
        fields: planned.fields,
        access: planned.access,
        graceEndsAt: planned.graceEndsAt,
        now: new Date(now()),
      },
      transaction,
    );
    // An older change never wins: what is stored of this membership is newer.
    if (!kept)
      return {
        studentId: existing.id,
        status: existing.status,
        change: 'stale',
        previousStatus: existing.status,
        userId,
      };
    const [standing] = await settleStanding(
      deps.sequelize,
      {
        studentIds: [existing.id],
        unlimited: planned.limit === null,
        endedStatus: 'inactive',
        username: membership.username,
        memberId: membership.memberId ?? null,
      },
      transaction,
    );
    if (!standing) throw new Error(`the student ${existing.id} has no membership stored`);
    const status = await settleSeat(
      creator,
      existing.id,
      { limit: planned.limit, status: standing.status, after: standingOf(standing) },
      standingOf(existing),
      transaction,
    );
    // A membership that does not grant access while another keeps the student in changes nothing for them.
    const change = !kept.grantsAccess && standing.has_access ? 'unchanged' : 'updated';
    return { studentId: existing.id, status, change, previousStatus: existing.status, userId };
  }

  return applyToLockedCreator;
}
