/** What one reconciliation run did, recorded on its run, and the reasons a company was not reconciled. */

export interface ReconciliationSummary {
  companies: number;
  memberships: number;
  studentsCreated: number;
  studentsChanged: number;
  planMemberships: number;
  /** Creators whose plan turned past_due while its webhook was missed: their grace period started here. */
  gracePeriodsStarted: number;
  tierChanges: { creatorId: number; from: string; to: string }[];
  errors: string[];
  /**
   * Companies whose memberships were not (all) read, so nothing of theirs was changed; the next run reads them first.
   */
  unreconciled: { companyId: string; reason: string }[];
  /** Companies skipped on purpose: the app is not installed there (Whop answers 403); not a failure. */
  skipped: { companyId: string; reason: string }[];
}

export const RATE_LIMITED = 'rate limited by Whop (429 after retries): nothing of it was changed';
export const NOT_ATTEMPTED = 'not attempted: Whop was rate limiting this run';
export const NOT_INSTALLED = 'Chronos is not installed on it (Whop answers 403): disconnected';

export function emptySummary(): ReconciliationSummary {
  return {
    companies: 0,
    memberships: 0,
    studentsCreated: 0,
    studentsChanged: 0,
    planMemberships: 0,
    gracePeriodsStarted: 0,
    tierChanges: [],
    errors: [],
    unreconciled: [],
    skipped: [],
  };
}
