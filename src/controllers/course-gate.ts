/**
 * The one gate in front of a creator's course pages, media and progress: who is asking
 * (signed in or not), which creator, and whether the viewer may watch (course-access-service).
 * Pages render the refusal themselves (401 with a sign-in link back here, 403 with the reason
 * and, for an ended membership, the renew link); media and JSON throw the typed errors.
 */
import type { Request, Response } from 'express';
import type { Creator } from '../models/creator-model.ts';
import type { UserContext } from '../services/role-service.ts';
import { isPlayable, type CourseAccess, type CourseAccessService } from '../services/watching/course-access-service.ts';
import type { Video } from '../models/video-model.ts';
import type { VideoRefusals } from '../services/watching/video-refusal-service.ts';
import { loginPath } from '../http/route-paths.ts';
import { safeReturnTo } from '../services/return-to.ts';

export type Admitted = { viewer: UserContext; creator: Creator; access: Exclude<CourseAccess, { kind: 'refused' }> };
export type Refusal = Extract<CourseAccess, { kind: 'refused' }>;

const TITLES: Record<Refusal['refusal'], string> = {
  not_member: 'No access to this course',
  over_limit: 'No access to this course',
  ended: 'Your membership has ended',
  product: 'This video is in a course you do not have',
};

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
    purchaseUrl: null,
  });
}

export function renderRefused(res: Response, access: Refusal): void {
  res.status(403).render('pages/course-refused', {
    title: TITLES[access.refusal],
    status: 403,
    reason: access.reason,
    signInHref: null,
    renewUrl: access.renewUrl,
    purchaseUrl: access.purchaseUrl ?? null,
  });
}

type RefusalDeps = {
  courses: Pick<CourseAccessService, 'restrictingCourses' | 'renewUrlFor'>;
  refusals: VideoRefusals;
};

/**
 * The product rule's refusal of a playable video of `creator` that the admitted viewer's list
 * left out (video-product-rule.ts): which course holds it, which products open it, where to buy
 * one and, for a student (`access`) whose membership of such a product ended, where to renew
 * it. Null when no published restricted course holds it (not a refusal).
 */
export async function productRefusal(
  deps: RefusalDeps,
  creator: Creator,
  video: Video,
  access?: Admitted['access'],
): Promise<Refusal | null> {
  const restricting = await deps.courses.restrictingCourses(video);
  if (restricting.length === 0) return null;
  const { reason, purchaseUrl } = await deps.refusals.explain(creator, video, restricting);
  const renewUrl =
    access?.kind === 'student'
      ? await deps.courses.renewUrlFor(access.studentId, [...new Set(restricting.flatMap((c) => c.productIds))])
      : null;
  return { kind: 'refused', refusal: 'product', reason, renewUrl, purchaseUrl };
}

/**
 * A player asked for a video its viewer's list left out: the product refusal when it is a
 * playable video of `creator` (403), or null (the caller answers 404: missing, not ready, or
 * another creator's).
 */
export async function refusalOfUnlisted(
  deps: RefusalDeps & { courses: Pick<CourseAccessService, 'video'> },
  creator: Creator,
  videoId: number,
  access?: Admitted['access'],
): Promise<Refusal | null> {
  const video = await deps.courses.video(videoId);
  if (!video || video.creatorId !== creator.id || !isPlayable(video)) return null;
  return productRefusal(deps, creator, video, access);
}

/**
 * The admitted viewer of `creator`'s course for a page, or null once the refusal page is sent
 * (`refuse`: the course pages' own by default; the embedded surface gives its own).
 */
export async function admitToPage(
  req: Request,
  res: Response,
  courses: CourseAccessService,
  creator: Creator,
  refuse: (res: Response, access: Refusal) => void = renderRefused,
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
    refuse(res, access);
    return null;
  }
  return { viewer, creator, access };
}
