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
  /** The id column's SQL type (`settleAllSql` binds ids as an array of it). */
  idType: 'text' | 'integer';
  /**
   * A column whose value a claim's rows share: a claim takes the oldest due row and then only due
   * rows with the same value (`IS NOT DISTINCT FROM`), so one batch is about one thing (a company).
   */
  groupBy?: string;
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

/** Due: pending and its time has come, or claimed with its lease lapsed. $1 now. */
const dueSql = (t: QueueTable) =>
  `((status = 'pending' AND locked_until IS NULL AND next_attempt_at <= $1::timestamptz)
    OR (status = '${t.claimedStatus}' AND locked_until < $1::timestamptz))`;

/**
 * $1 now, $2 lease end, $3 limit. Grouped (`groupBy`): the oldest due row no other claim holds
 * picks the group, locked by this statement like the rest (an uncorrelated subquery: run once).
 */
export function claimSql(t: QueueTable): string {
  const name = identifier(t.name);
  const column = t.groupBy ? identifier(t.groupBy) : undefined;
  const group = column
    ? `
                   AND ${column} IS NOT DISTINCT FROM (SELECT ${column} FROM ${name}
                        WHERE ${dueSql(t)} ORDER BY ${t.order} LIMIT 1 FOR UPDATE SKIP LOCKED)`
    : '';
  return `UPDATE ${name} SET status = '${t.claimedStatus}', claim_token = gen_random_uuid(), attempts = attempts + 1,
          locked_until = $2::timestamptz
   WHERE id IN (SELECT id FROM ${name}
                 WHERE ${dueSql(t)}${group}
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

/**
 * Settles many claimed rows in one statement, each only while it carries its claim: $1 now, $2
 * ids, $3 claim tokens, $4 statuses, then one text array per extra column, all in step.
 */
export function settleAllSql(t: QueueTable, columns: readonly string[], commitWithoutFlush: boolean): string {
  const name = identifier(t.name);
  const names = columns.map(identifier);
  const arrays = names.map((_, i) => `, $${5 + i}::text[]`).join('');
  const sets = names.map((column) => `, ${column} = v.${column}`).join('');
  const extra = names.map((c) => `, ${c}`).join('');
  const withoutFlush = commitWithoutFlush
    ? ", (SELECT set_config('synchronous_commit', 'off', true)) AS commit_without_flush"
    : '';
  return `UPDATE ${name} AS q SET status = v.status, ${identifier(t.settledAt)} = $1::timestamptz,
          locked_until = NULL, claim_token = NULL, last_error = NULL${sets}
     FROM unnest($2::${t.idType}[], $3::uuid[], $4::text[]${arrays}) AS v(id, claim_token, status${extra})
     ${withoutFlush}
    WHERE q.id = v.id AND q.claim_token = v.claim_token AND q.status = '${t.claimedStatus}' RETURNING q.id`;
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
