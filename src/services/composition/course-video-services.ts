/**
 * What creators publish and students watch: branding, the video library and its uploads,
 * courses, watching (access, signed media URLs, progress, engagement), and the creator API's
 * tokens and reads of them.
 */
import { tusUploadLocker } from '../../infra/locks/tus-upload-locker.ts';
import { createBrandingService } from '../branding/branding-service.ts';
import { createVideoLibrary } from '../videos/video-library.ts';
import { createUploadService } from '../videos/upload-service.ts';
import { createUploadReservations } from '../videos/upload-reservations.ts';
import { createMediaProbe } from '../videos/media-probe.ts';
import { createStorageSweeper } from '../videos/storage-sweeper.ts';
import { createCourseServices } from '../courses/course-services.ts';
import { createCourseAccessService } from '../watching/course-access-service.ts';
import { createMediaUrlSigner } from '../watching/media-url-signer.ts';
import { createVideoRefusals } from '../watching/video-refusal-service.ts';
import { createWatchProgressService } from '../watching/watch-progress-service.ts';
import { createVideoEngagementQuery } from '../watching/video-engagement-query.ts';
import { createApiTokenService } from '../api-tokens/api-token-service.ts';
import { createApiCoursesQuery } from '../creator-api/api-courses-query.ts';
import { createApiVideosQuery } from '../creator-api/api-videos-query.ts';
import { createApiStudentsQuery } from '../creator-api/api-students-query.ts';
import type { CompositionInputs } from './composition-inputs.ts';
import type { WhopAuthServices } from './whop-auth-services.ts';
import type { BillingServices } from './billing-services.ts';

export function buildCourseVideoServices(
  { infra, now }: CompositionInputs,
  { whop }: Pick<WhopAuthServices, 'whop'>,
  { plans }: Pick<BillingServices, 'plans'>,
) {
  const { config, logger, sequelize, mediaStorage } = infra;
  const uploads = createUploadService({
    reservations: createUploadReservations({ sequelize, now: () => new Date(now()) }),
    storage: mediaStorage,
    probe: createMediaProbe(),
    plans,
    logger,
    uploadMaxBytes: config.media.uploadMaxBytes,
    uploadExpiryMs: config.media.uploadExpiryMs,
  });
  const courseServices = createCourseServices({ sequelize, whop, logger });
  return {
    branding: createBrandingService({ sequelize, storage: mediaStorage, appUrl: config.appUrl, logger }),
    mediaStorage,
    uploads,
    videoLibrary: createVideoLibrary({ sequelize, mediaStorage, logger }),
    /** The per-file cap of uploads, which the library's uploader checks before sending a byte. */
    uploadMaxBytes: config.media.uploadMaxBytes,
    uploadLocker: tusUploadLocker(infra.locks),
    storageSweeper: createStorageSweeper({ sequelize, storage: mediaStorage, logger, now }),
    courses: createCourseAccessService({ reads: infra.reads, sequelize, models: infra.models }),
    /** Why a member may not watch a video of a product-restricted course (refusals only). */
    videoRefusals: createVideoRefusals({ whop, cache: infra.cache, logger }),
    /** The course pages' signed media URLs (keyed from the first SESSION_SECRET). */
    mediaUrls: createMediaUrlSigner({ secret: config.sessionSecrets[0], now, surface: 'course' }),
    progress: createWatchProgressService({ sequelize, now }),
    ...courseServices,
    engagement: createVideoEngagementQuery({ sequelize }),
    /** The creator API (`/api/v1`): its tokens and its reads. */
    apiTokens: createApiTokenService({ sequelize, now }),
    apiVideos: createApiVideosQuery({ sequelize }),
    apiCourses: createApiCoursesQuery({ catalog: courseServices.courseCatalog }),
    apiStudents: createApiStudentsQuery({ sequelize }),
  };
}
