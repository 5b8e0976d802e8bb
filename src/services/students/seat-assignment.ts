/**
 * Who holds a creator's student seats. The rule, applied in the transaction that admits or frees
 * a seat (and when the tier changes): of the students whose membership grants access (status
 * `active` or `over_limit`), the N who joined first hold the seats (`active`), the rest wait
 * (`over_limit`); N is the tier's student limit. "Joined" is the membership's own `created_at`
 * as Whop sends it, never the time Chronos heard of it; ties go to the lower membership id.
 * So the order in which webhooks arrive never decides who gets a seat.
 *
 * The caller holds the creator's row lock (`SELECT … FOR UPDATE` on `creators`): every change
 * to one creator's students is serialised, so the ranking sees every committed change.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { tierDefinition, type Tier } from '../../domain/tier-table.ts';

export interface SeatChanges {
  /** Students given a seat by this assignment. */
  seated: number[];
  /** Students who lost their seat (a lower limit, or an earlier joiner came in). */
  unseated: number[];
}

const ASSIGN_SEATS = `
  WITH ranked AS (
    SELECT id, status AS was,
           row_number() OVER (ORDER BY joined_at, whop_membership_id COLLATE "C" NULLS LAST, id) AS seat
      FROM students
     WHERE creator_id = :creatorId AND status IN ('active', 'over_limit')
  ), wanted AS (
    SELECT id, was,
           CASE WHEN CAST(:limit AS integer) IS NULL OR seat <= CAST(:limit AS integer) THEN 'active' ELSE 'over_limit' END AS status
      FROM ranked
  )
  UPDATE students s SET status = wanted.status, updated_at = now()
    FROM wanted
   WHERE s.id = wanted.id AND wanted.status <> wanted.was
  RETURNING s.id, s.status`;

/** Re-applies the seat rule to one creator whose row the caller has locked in `transaction`. */
export async function assignSeats(
  sequelize: Sequelize,
  creator: { id: number; tier: Tier },
  transaction: Transaction,
): Promise<SeatChanges> {
  const rows = await sequelize.query<{ id: number; status: string }>(ASSIGN_SEATS, {
    replacements: { creatorId: creator.id, limit: tierDefinition(creator.tier).limits.students },
    type: QueryTypes.SELECT,
    transaction,
  });
  return {
    seated: rows.filter((r) => r.status === 'active').map((r) => r.id),
    unseated: rows.filter((r) => r.status === 'over_limit').map((r) => r.id),
  };
}
