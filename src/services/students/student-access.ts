/** What a student sees about one creator's course: whether they can get in, and why not. */
import type { Student } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';

export interface CourseAccess {
  creatorName: string;
  companyId: string;
  hasAccess: boolean;
  status: Student['status'];
  reason: string;
  /**
   * Whop's manage page of the membership, where an ended one is renewed; null when access is not ended or Whop sent
   * none.
   */
  renewUrl: string | null;
  /** For an ended membership: the reason before its "Renew it on Whop" sentence (pages make that sentence a link). */
  reasonBeforeRenew: string;
  since: Date;
}

export const RENEW_SENTENCE = { link: 'Renew it on Whop', rest: ' to get access again.' };

/** The access rule: only an `active` student watches (over_limit, inactive and archived do not). */
export function statusGrantsAccess(status: Student['status']): boolean {
  return status === 'active';
}

export function studentAccess(student: Student & { creator?: Creator }): CourseAccess {
  const creatorName = student.creator?.companyName ?? student.creator?.whopCompanyId ?? 'a creator';
  const ended = `Your Whop membership is ${student.membershipStatus ?? 'no longer valid'}.`;
  const reasons: Record<Student['status'], string> = {
    active: 'You have access.',
    over_limit:
      `${creatorName} has reached the student limit of their Chronos plan. You will get access as soon ` +
      `as a seat frees up or they upgrade (seats go in the order students joined); they have been told.`,
    inactive: `${ended} ${RENEW_SENTENCE.link}${RENEW_SENTENCE.rest}`,
    archived: 'Your membership was removed on Whop.',
  };
  return {
    creatorName,
    companyId: student.creator?.whopCompanyId ?? '',
    hasAccess: statusGrantsAccess(student.status),
    status: student.status,
    reason: reasons[student.status],
    renewUrl: student.status === 'inactive' ? (student.manageUrl ?? null) : null,
    reasonBeforeRenew: ended,
    since: student.joinedAt,
  };
}
