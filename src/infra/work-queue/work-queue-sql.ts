/**
 * The work queue's statements for one table. Table and column names come from code (checked
 * below); every value is a bound parameter. The queue's columns: `id`, `status`, `attempts`,
 * `next_attempt_at`, `locked_until`, `claim_token`, `last_error`.
 */

export interface QueueTable {
  /** The table. */
  name: string;
  /** A claimed row's status: `processing` for webhooks; mails stay `pending` while claimed. */
  claimedStatus: 'processing' | 'pending';
  /** The column stamped when a row is settled (`processed_at`, `sent_at`). */
  settledAt: string;
  /** The table's own columns returned with each claim (a select list). */
  returning: string;
  /** Which due rows are claimed first. */
  order: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain column or table name: ${name}`);
  return name;
}

/** `, a = $5, b = $6` for columns bound from parameter `first` on. */
function extraSets(columns: readonly string[], first: number): string {
  return columns.map((column, i) => `, ${identifier(column)} = $${first + i}`).join('');
}

/** $1 now, $2 lease end, $3 limit. */
export function claimSql(t: QueueTable): string {
  const name = identifier(t.name);
  return `UPDATE ${name} SET status = '${t.claimedStatus}', claim_token = gen_random_uuid(), attempts = attempts + 1,
          locked_until = $2::timestamptz
   WHERE id IN (SELECT id FROM ${name}
                 WHERE (status = 'pending' AND locked_until IS NULL AND next_attempt_at <= $1::timestamptz)
                    OR (status = '${t.claimedStatus}' AND locked_until < $1::timestamptz)
                 ORDER BY ${t.order} LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING id, claim_token AS "claimToken", attempts, locked_until AS "lockedUntil", ${t.returning}`;
}

/** Matches the row only while it carries the claim: $1 id, $2 claim token. */
const stillMine = (t: QueueTable) => `id = $1 AND claim_token = $2 AND status = '${t.claimedStatus}'`;

/** $3 status, $4 now, then the extra columns. `set_config(…, true)` is `SET LOCAL`: it counts at commit. */
export function settleSql(t: QueueTable, columns: readonly string[], commitWithoutFlush: boolean): string {
  return `UPDATE ${identifier(t.name)} SET status = $3, ${identifier(t.settledAt)} = $4::timestamptz,
          locked_until = NULL, claim_token = NULL, last_error = NULL${extraSets(columns, 5)}
   ${commitWithoutFlush ? "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS commit_without_flush" : ''}
   WHERE ${stillMine(t)} RETURNING id`;
}

/** $3 status (`pending` or `dead`), $4 error, $5 next attempt. */
export function failSql(t: QueueTable): string {
  return `UPDATE ${identifier(t.name)} SET status = $3, last_error = $4, next_attempt_at = $5::timestamptz,
          locked_until = NULL, claim_token = NULL
   WHERE ${stillMine(t)} RETURNING id`;
}

/** $3 now: due at once (or as it was, if earlier), the attempt not counted. */
export function handBackSql(t: QueueTable): string {
  return `UPDATE ${identifier(t.name)} SET status = 'pending', attempts = greatest(attempts - 1, 0),
          locked_until = NULL, claim_token = NULL,
          next_attempt_at = least(next_attempt_at, $3::timestamptz)
   WHERE ${stillMine(t)} RETURNING id`;
}

/** $1 id, $2 now, then the extra columns. A row in hand (claimed, lease running) is left alone. */
export function replaySql(t: QueueTable, columns: readonly string[] = []): string {
  return `UPDATE ${identifier(t.name)} SET status = 'pending', attempts = 0, next_attempt_at = $2::timestamptz,
          locked_until = NULL, claim_token = NULL${extraSets(columns, 3)}
   WHERE id = $1 AND NOT (status = '${t.claimedStatus}' AND locked_until IS NOT NULL) RETURNING id`;
}
