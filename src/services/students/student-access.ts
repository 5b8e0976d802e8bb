/** What a student sees about one creator's course: whether they can get in, and why not. */
import type { Student } from '../../models/student-model.ts';
import type { Creator } from '../../models/creator-model.ts';

export interface CourseAccess {
  creatorName: string;
  companyId: string;
  hasAccess: boolean;
  status: Student['status'];
  reason: string;
  since: Date;
}

/** The access rule: only an `active` student watches (over_limit, inactive and archived do not). */
export function statusGrantsAccess(status: Student['status']): boolean {
  return status === 'active';
}

export function studentAccess(student: Student & { creator?: Creator }): CourseAccess {
  const creatorName = student.creator?.companyName ?? student.creator?.whopCompanyId ?? 'a creator';
  const reasons: Record<Student['status'], string> = {
    active: 'You have access.',
    over_limit: `${creatorName} has reached the student limit of their Chronos plan. You will get access as soon as a seat frees up or they upgrade (seats go in the order students joined); they have been told.`,
    inactive: `Your Whop membership is ${student.membershipStatus ?? 'no longer valid'}. Renew it on Whop to get access again.`,
    archived: 'Your membership was removed on Whop.',
  };
  return {
    creatorName,
    companyId: student.creator?.whopCompanyId ?? '',
    hasAccess: statusGrantsAccess(student.status),
    status: student.status,
    reason: reasons[student.status],
    since: student.joinedAt,
  };
}
