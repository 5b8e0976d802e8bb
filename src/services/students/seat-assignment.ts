/**
 * Who holds a creator's student seats. The rule, applied in the transaction that admits or frees
 * a seat (and when the tier changes): of the students whose membership grants access (status
 * `active` or `over_limit`), the N who joined first hold the seats (`active`), the rest wait
 * (`over_limit`); N is the tier's student limit. "Joined" is the membership's own `created_at`
 * as Whop sends it, never the time Chronos heard of it; ties go to the lower membership id.
 * So the order in which webhooks arrive never decides who gets a seat.
 *
 * The caller holds the creator's row lock (`SELECT … FOR UPDATE` on `creators`): every change
 * to one creator's students is serialised, so the assignment sees every committed change, and
 * every committed state obeys the rule. That is what lets a change skip the assignment when it
 * cannot move a seat (`seatsCanChange`), and lets a tier without a limit seat a student at once.
 *
 * The assignment is one statement whose cost is bounded by the limit, not by the number of
 * students: it walks the first N students with access in join order (the partial index
 * `students_seat_order_idx`), seats the waiting ones among them and unseats any seat holder
 * outside them (at most N rows are `active`).
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { tierDefinition, type Tier } from '../../domain/tier-table.ts';

export interface SeatChanges {
  /** Students given a seat by this assignment. */
  seated: number[];
  /** Students who lost their seat (a lower limit, or an earlier joiner came in). */
  unseated: number[];
}

/** Seats $limit students with access, in join order (the order of `students_seat_order_idx`). */
const ASSIGN_LIMITED_SEATS = `
  WITH seats AS (
    SELECT id FROM students
     WHERE creator_id = :creatorId AND status IN ('active', 'over_limit')
     ORDER BY joined_at, whop_membership_id COLLATE "C" NULLS LAST, id
     LIMIT :limit
  )
  UPDATE students s SET status = CASE WHEN s.status = 'active' THEN 'over_limit' ELSE 'active' END, updated_at = now()
   WHERE s.creator_id = :creatorId
     AND ((s.status = 'over_limit' AND s.id IN (SELECT id FROM seats))
       OR (s.status = 'active' AND s.id NOT IN (SELECT id FROM seats)))
  RETURNING s.id, s.status`;

/** No limit: everybody with access holds a seat. */
const SEAT_EVERYBODY = `
  UPDATE students SET status = 'active', updated_at = now()
   WHERE creator_id = :creatorId AND status = 'over_limit'
  RETURNING id, status`;

/** Re-applies the seat rule to one creator whose row the caller has locked in `transaction`. */
export async function assignSeats(
  sequelize: Sequelize,
  creator: { id: number; tier: Tier },
  transaction: Transaction,
): Promise<SeatChanges> {
  const limit = tierDefinition(creator.tier).limits.students;
  const rows = await sequelize.query<{ id: number; status: string }>(
    limit === null ? SEAT_EVERYBODY : ASSIGN_LIMITED_SEATS,
    { replacements: { creatorId: creator.id, limit }, type: QueryTypes.SELECT, transaction },
  );
  return {
    seated: rows.filter((r) => r.status === 'active').map((r) => r.id),
    unseated: rows.filter((r) => r.status === 'over_limit').map((r) => r.id),
  };
}

/** What the seat rule looks at in one student: whether they have access, and their place in the join order. */
export interface SeatStanding {
  /** `active` or `over_limit`. */
  hasAccess: boolean;
  joinedAt: number;
  membershipId: string | null;
}

/**
 * Whether changing one student from `before` (undefined: a new student) to `after` can move a
 * seat, in a state that obeys the rule: only if they gain or lose access, or move in the join
 * order while they have it.
 */
export function seatsCanChange(before: SeatStanding | undefined, after: SeatStanding): boolean {
  if (!before) return after.hasAccess;
  if (before.hasAccess !== after.hasAccess) return true;
  return after.hasAccess && (before.joinedAt !== after.joinedAt || before.membershipId !== after.membershipId);
}
