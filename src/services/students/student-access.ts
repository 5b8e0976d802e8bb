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

export function studentAccess(student: Student & { creator?: Creator }): CourseAccess {
  const creatorName = student.creator?.companyName ?? student.creator?.whopCompanyId ?? 'a creator';
  const reasons: Record<Student['status'], string> = {
    active: 'You have access.',
    over_limit: `${creatorName} has reached the student limit of their Chronos plan. You will get access as soon as they upgrade; they have been told.`,
    inactive: `Your Whop membership is ${student.membershipStatus ?? 'no longer valid'}. Renew it on Whop to get access again.`,
    archived: 'Your membership was removed on Whop.',
  };
  return {
    creatorName,
    companyId: student.creator?.whopCompanyId ?? '',
    hasAccess: student.status === 'active',
    status: student.status,
    reason: reasons[student.status],
    since: student.joinedAt,
  };
}
