/**
 * `GET /dashboard`: the creator's dashboard (plan, usage, students, videos), the student's
 * (the creators whose courses they can access, and why not), or onboarding for everyone else.
 */
import type { Request, RequestHandler, Response } from 'express';
import { signedIn } from '../middleware/require-auth.ts';
import type { StudentService } from '../services/students/student-service.ts';
import type { CreatorDashboardQuery, DashboardOptions } from '../services/creator-dashboard-query.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import type { PlanManagementQuery } from '../services/pricing/plan-management-query.ts';
import { studentAccess } from '../services/students/student-access.ts';
import type { WatchProgressService } from '../services/watching/watch-progress-service.ts';
import { coursePath, playerPath } from '../http/route-paths.ts';
import { AI_CREDITS_DESCRIPTION, FEATURE_DESCRIPTIONS, hasFeature, shownFeatures } from '../domain/tier-table.ts';
import { nextCreditReset } from '../services/usage/usage-service.ts';

const STUDENTS_PAGE_SIZE = 20;
/** The dashboard names the newest few videos; the library (/dashboard/videos) lists them all. */
const DASHBOARD_VIDEOS = 3;

function pageNumber(raw: unknown): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n < 100_000 ? n : 1;
}

function dashboardOptions(req: Request): DashboardOptions {
  return { page: pageNumber(req.query.page), pageSize: STUDENTS_PAGE_SIZE, videoLimit: DASHBOARD_VIDEOS };
}

export function dashboardController(deps: {
  students: StudentService;
  dashboard: CreatorDashboardQuery;
  plans: PlansService;
  /** Whop's manage page of the creator's plan membership (the grace banner's "update your payment method"). */
  planManagement: PlanManagementQuery;
  /** Enterprise's priority-support contact; undefined: not shown, not promised. */
  supportEmail: string | undefined;
  now: () => number;
  /** Where the student stopped ("continue watching"). */
  progress: WatchProgressService;
  /** Where a disconnected creator reinstalls Chronos on their company. */
  installUrl: string;
  /** Renders onboarding for a user who is neither creator nor student. */
  onboarding: (req: Request, res: Response) => Promise<void>;
}) {
  const show: RequestHandler = async (req, res) => {
    const { user, role, creator } = signedIn(req);
    if (creator) {
      const options = dashboardOptions(req);
      const { usage, creditDays, students, videos, statusCounts } = await deps.dashboard.read(creator.id, options);
      // Past the last page of students (an old link, a typed number): the last page, not an empty table.
      if (options.page > students.pages) {
        res.redirect(302, `/dashboard?page=${students.pages}#students`);
        return;
      }
      const plan = deps.plans.planOf(creator.tier, usage);
      const supportContact = deps.supportEmail !== undefined;
      res.render('pages/creator-dashboard', {
        title: 'Dashboard',
        user,
        role,
        creator,
        plan,
        planFeatures: shownFeatures(creator.tier, { supportContact }).map((f) => FEATURE_DESCRIPTIONS[f].title),
        supportEmail: supportContact && hasFeature(creator.tier, 'priority_support') ? deps.supportEmail : undefined,
        aiCredits: AI_CREDITS_DESCRIPTION,
        creditDays,
        creditsReset: nextCreditReset(new Date(deps.now())),
        students,
        page: options.page,
        videos,
        overLimit: statusCounts.over_limit ?? 0,
        paymentFailed: creator.billingStatus === 'past_due' && creator.gracePeriodEndsAt !== null,
        manageUrl: creator.billingStatus === 'past_due' ? await deps.planManagement.manageUrlOf(creator) : null,
        installUrl: deps.installUrl,
      });
      return;
    }
    const memberships = await deps.students.memberships(user.whopUserId);
    if (memberships.length > 0) {
      const continueWatching = await deps.progress.continueWatching(user);
      res.render('pages/student-dashboard', {
        title: 'Your courses',
        user,
        role,
        courses: memberships
          .map(studentAccess)
          .map((c) => ({ ...c, href: c.hasAccess ? coursePath(c.companyId) : null })),
        continueWatching: continueWatching.map((v) => ({ ...v, href: playerPath(v.whopCompanyId, v.videoId) })),
      });
      return;
    }
    // An administrator without a company or a course of their own works in the admin area; they
    // can still set up a company of their own from there (/onboarding).
    if (role === 'admin') {
      res.redirect(302, '/admin/tiers');
      return;
    }
    await deps.onboarding(req, res);
  };
  return { show };
}
