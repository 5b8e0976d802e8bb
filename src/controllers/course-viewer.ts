/** Who an admitted viewer of a course page is, as the course view model needs them. */
import type { Admitted } from './course-gate.ts';
import type { CourseViewer } from '../services/courses/student-course-view.ts';

export function courseViewerOf(admitted: Admitted): CourseViewer {
  if (admitted.access.kind === 'owner') return { kind: 'owner' };
  const { user } = admitted.viewer;
  return { kind: 'student', userId: user.id, whopUserId: user.whopUserId };
}
