/**
 * The one gate in front of a creator's course pages, media and progress: who is asking
 * (signed in or not), which creator, and whether the viewer may watch (course-access-service).
 * Pages render the refusal themselves (401 with a sign-in link back here, 403 with the reason
 * and, for an ended membership, the renew link); media and JSON throw the typed errors.
 */
import type { Request, Response } from 'express';
import type { Creator } from '../models/creator-model.ts';
import type { UserContext } from '../services/role-service.ts';
import type { CourseAccess, CourseAccessService } from '../services/watching/course-access-service.ts';
import { loginPath } from '../http/route-paths.ts';
import { safeReturnTo } from '../services/return-to.ts';

export type Admitted = { viewer: UserContext; creator: Creator; access: Exclude<CourseAccess, { kind: 'refused' }> };

export function creatorName(creator: Creator): string {
  return creator.companyName ?? creator.whopCompanyId;
}

/** Renders the 401 page: a sign-in link that comes back to this page (a local path only). */
export function renderSignInRequired(req: Request, res: Response): void {
  res.status(401).render('pages/course-refused', {
    title: 'Sign in to watch',
    status: 401,
    reason: 'Courses are for members. Sign in with the Whop account that holds your membership.',
    signInHref: loginPath(safeReturnTo(req.originalUrl)),
    renewUrl: null,
  });
}

export function renderRefused(res: Response, access: Extract<CourseAccess, { kind: 'refused' }>): void {
  res.status(403).render('pages/course-refused', {
    title: access.refusal === 'ended' ? 'Your membership has ended' : 'No access to this course',
    status: 403,
    reason: access.reason,
    signInHref: null,
    renewUrl: access.renewUrl,
  });
}

/** The admitted viewer of `creator`'s course for a page, or null once the refusal page is sent. */
export async function admitToPage(
  req: Request,
  res: Response,
  courses: CourseAccessService,
  creator: Creator,
): Promise<Admitted | null> {
  const viewer = req.currentUser;
  if (!viewer) {
    renderSignInRequired(req, res);
    return null;
  }
  const access = await courses.accessTo(
    { whopUserId: viewer.user.whopUserId, creatorId: viewer.creator?.id ?? null },
    creator,
  );
  if (access.kind === 'refused') {
    renderRefused(res, access);
    return null;
  }
  return { viewer, creator, access };
}
