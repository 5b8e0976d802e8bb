/**
 * A student's access in the creator's words, for the one "Access" column of the students table:
 * Chronos's status, with Whop's membership status added when it explains a lost access.
 */
import type { StudentStatus } from '../models/student-model.ts';

const ACCESS: Record<StudentStatus, string> = {
  active: 'Active',
  over_limit: 'No access: over your plan’s student limit',
  inactive: 'No access',
  archived: 'Archived',
};

export function studentAccess(student: { status: StudentStatus; membershipStatus: string | null }): string {
  const access = ACCESS[student.status] ?? student.status;
  if (student.status !== 'inactive' || !student.membershipStatus) return access;
  return `${access} (membership ${student.membershipStatus.replace(/_/g, ' ')} on Whop)`;
}
