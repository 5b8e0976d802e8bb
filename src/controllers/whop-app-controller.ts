/**
 * Chronos as a Whop App (inside whop.com's iframe): `GET /experiences/:experienceId` (the member
 * view: the experience's company's course and player, with the same services, access rules
 * and page templates as `/courses/…`) and `GET /dashboard/:companyId` (the team view: plan,
 * usage, videos and the uploader, for an admin of the company). Whop's check-access decides
 * first; then Chronos's own course rules, exactly as on the external site. Links stay inside
 * the embedded paths; media URLs are signed for the user and the video.
 */
import type { Request, RequestHandler, Response } from 'express';
import { NotFoundError } from '../domain/app-errors.ts';
import { TUS_CLIENT_SCRIPT } from '../http/vendor-scripts.ts';
import type { Creator } from '../models/creator-model.ts';
import type { CreatorDashboardQuery } from '../services/creator-dashboard-query.ts';
import type { VideoLibrary } from '../services/videos/video-library.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { isPlayable, videoIdFrom, type CourseAccessService } from '../services/watching/course-access-service.ts';
import type { WatchProgressService } from '../services/watching/watch-progress-service.ts';
import {
  isCompanyId,
  type EmbeddedExperience,
  type EmbeddedViewerService,
} from '../services/whop-app/embedded-viewer-service.ts';
import type { EmbeddedSignatures } from '../services/whop-app/embedded-signatures.ts';
import type { MediaUrlSigner } from '../services/watching/media-url-signer.ts';
import { signedMediaUrl } from './signed-media-url.ts';
import { companyScope } from '../middleware/whop-user-token.ts';
import { uploaderSettings } from './uploader-settings.ts';
import { admitToPage, creatorName, refusalOfUnlisted, type Refusal } from './course-gate.ts';
import type { VideoRefusals } from '../services/watching/video-refusal-service.ts';

const NO_EXPERIENCE = 'There is no Chronos experience at this address.';
const NO_VIDEO = 'This video is not in the course, or it is not ready to play yet.';

export const embeddedPaths = {
  experience: (experienceId: string) => `/experiences/${experienceId}`,
  player: (experienceId: string, videoId: number) => `/experiences/${experienceId}/videos/${videoId}`,
  progress: (experienceId: string, videoId: number) => `/experiences/${experienceId}/videos/${videoId}/progress`,
  media: (videoId: number, query: string) => `/embedded/media/videos/${videoId}?${query}`,
  team: (companyId: string) => `/dashboard/${companyId}`,
};

/**
 * The 401/403/404 page of the embedded surface: why, and (for no access) where to buy or, for an
 * ended membership, where to renew it; both open Whop at the top of the window, not in the frame.
 */
export function renderEmbeddedRefusal(
  res: Response,
  status: number,
  reason: string,
  links: { purchaseUrl?: string | null; renewUrl?: string | null } = {},
): void {
  const titles: Record<number, string> = {
    401: 'Open Chronos from Whop',
    403: 'No access',
    404: 'Not found',
  };
  res.status(status).render('pages/embedded-refused', {
    title: titles[status] ?? 'Something went wrong',
    status,
    reason,
    purchaseUrl: links.purchaseUrl ?? null,
    renewUrl: links.renewUrl ?? null,
  });
}

/** A refusal by Chronos's own access rule (course-gate.ts), on the embedded surface. */
function renderEmbeddedAccessRefusal(res: Response, access: Refusal): void {
  renderEmbeddedRefusal(res, 403, access.reason, { purchaseUrl: access.purchaseUrl, renewUrl: access.renewUrl });
}

export function whopAppController(deps: {
  viewers: EmbeddedViewerService;
  signatures: EmbeddedSignatures;
  /** The embedded player's media URLs (the one media URL signer, embedded surface). */
  mediaUrls: Pick<MediaUrlSigner, 'sign'>;
  courses: CourseAccessService;
  progress: WatchProgressService;
  dashboard: CreatorDashboardQuery;
  /** Which uploads the team view's uploader may offer for resuming. */
  library: Pick<VideoLibrary, 'unfinishedUploadIds'>;
  plans: Pick<PlansService, 'planOf' | 'upgradeForFeature'>;
  uploadMaxBytes: number;
  refusals: VideoRefusals;
}) {
  const { viewers, courses } = deps;

  /** The experience, its company's creator and an admitted viewer; null once a refusal page is sent. */
  async function admitToExperience(req: Request, res: Response) {
    const experienceId = String(req.params.experienceId);
    const experience = await viewers.experience(experienceId);
    if (!experience) throw new NotFoundError(NO_EXPERIENCE);
    const whopUserId = req.whopAppUser!.whopUserId;
    const level = await viewers.accessLevel(experience.id, whopUserId);
    if (level === 'no_access') {
      renderEmbeddedRefusal(res, 403, noAccessReason(experience), {
        purchaseUrl: await viewers.purchaseUrl(experience),
      });
      return null;
    }
    const creator = await courses.creatorByCompany(experience.companyId);
    if (!creator) throw new NotFoundError(`${experience.companyTitle} has not set up Chronos yet.`);
    res.locals.homeHref = embeddedPaths.experience(experience.id);
    const admitted = await admitToPage(req, res, courses, creator, renderEmbeddedAccessRefusal);
    return admitted ? { ...admitted, experience } : null;
  }

  const experience: RequestHandler = async (req, res) => {
    const admitted = await admitToExperience(req, res);
    if (!admitted) return;
    const { creator, access, experience: exp } = admitted;
    const videos = await courses.watchableVideos(creator.id, access);
    res.render('pages/course', {
      title: creatorName(creator),
      creatorName: creatorName(creator),
      isPreview: access.kind === 'owner',
      videos: videos.map((v) => ({
        title: v.title,
        durationSeconds: v.durationSeconds,
        href: embeddedPaths.player(exp.id, v.id),
      })),
    });
  };

  const player: RequestHandler = async (req, res) => {
    const videoId = videoIdFrom(req.params.videoId);
    if (videoId === null) throw new NotFoundError(NO_VIDEO);
    const admitted = await admitToExperience(req, res);
    if (!admitted) return;
    const { creator, access, viewer, experience: exp } = admitted;
    // Only the experience's own company's videos: another creator's video id is not found here.
    // A student's list holds the videos their product opens (the product rule), so no media URL
    // is signed for a video they may not watch.
    const videos = await courses.watchableVideos(creator.id, access);
    const index = videos.findIndex((v) => v.id === videoId);
    const video = videos[index];
    if (!video || !isPlayable(video)) {
      // A playable video of this creator left out of the list: the product rule refused it.
      const refusal = await refusalOfUnlisted({ courses, refusals: deps.refusals }, creator, videoId, access);
      if (refusal) return renderEmbeddedAccessRefusal(res, refusal);
      throw new NotFoundError(NO_VIDEO);
    }
    const next = videos[index + 1];
    const isPreview = access.kind === 'owner';
    const resumeAt = isPreview ? 0 : await deps.progress.resumeAt(viewer.user.id, video);
    res.render('pages/player', {
      title: video.title,
      creatorName: creatorName(creator),
      courseHref: embeddedPaths.experience(exp.id),
      video: {
        title: video.title,
        durationSeconds: video.durationSeconds,
        mimeType: video.mimeType,
        width: video.width,
        height: video.height,
      },
      position: index + 1,
      count: videos.length,
      mediaUrl: signedMediaUrl(deps.mediaUrls, admitted, video.id, embeddedPaths.media),
      progressUrl: isPreview ? null : embeddedPaths.progress(exp.id, video.id),
      resumeAt,
      isPreview,
      next: next ? { title: next.title, href: embeddedPaths.player(exp.id, next.id) } : null,
    });
  };

  /** The progress route's guard: the video must belong to the experience's company. */
  const videoOfExperience: RequestHandler = async (req, _res, next) => {
    const experience = await viewers.experience(String(req.params.experienceId));
    const videoId = videoIdFrom(req.params.videoId);
    const video = videoId === null ? null : await courses.video(videoId);
    const creator = video ? await courses.creatorById(video.creatorId) : null;
    if (!experience || !creator || creator.whopCompanyId !== experience.companyId)
      throw new NotFoundError('No such video in this experience.');
    next();
  };

  const team: RequestHandler = async (req, res) => {
    const companyId = String(req.params.companyId);
    if (!isCompanyId(companyId)) throw new NotFoundError('There is no company at this address.');
    const whopUserId = req.whopAppUser!.whopUserId;
    const level = await viewers.accessLevel(companyId, whopUserId);
    if (level !== 'admin') {
      renderEmbeddedRefusal(res, 403, 'The team view is for the admins of this Whop company.');
      return;
    }
    const creator = req.currentUser?.creator;
    if (!creator || creator.whopCompanyId !== companyId) {
      renderEmbeddedRefusal(
        res,
        403,
        'Chronos is not set up for this company under your account yet. Sign in to Chronos with Whop once and pick ' +
          'this company to set it up.',
      );
      return;
    }
    // Uploads from this page (tus, /api/uploads) carry this token, bound to the user and the company.
    res.locals.csrfToken = deps.signatures.csrfToken(whopUserId, companyScope(companyId));
    await renderTeam(res, creator);
  };

  async function renderTeam(res: Response, creator: Creator): Promise<void> {
    const [{ usage, videos }, unfinishedUploads] = await Promise.all([
      deps.dashboard.read(creator.id, { page: 1, pageSize: 1, videoLimit: 50 }),
      deps.library.unfinishedUploadIds(creator.id),
    ]);
    const plan = deps.plans.planOf(creator.tier, usage);
    res.render('pages/embedded-team', {
      title: `${creatorName(creator)} · Chronos`,
      creator,
      creatorName: creatorName(creator),
      plan,
      videos,
      uploader: uploaderSettings(creator, plan, { ...deps, unfinishedUploads }),
      tusScriptUrl: TUS_CLIENT_SCRIPT.url,
    });
  }

  return { experience, player, videoOfExperience, team };
}

function noAccessReason(experience: EmbeddedExperience): string {
  return `Your Whop account has no membership that includes ${experience.companyTitle}'s Chronos course.`;
}
