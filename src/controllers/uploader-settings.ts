/**
 * What `partials/video-uploader.ejs` is given, on every page that has the uploader (the video
 * library and the Whop App's team view): where uploads go, how much the plan has left, whether
 * bulk upload is on, the chunk size and which stored uploads may still be resumed.
 */
import { hasFeature } from '../domain/tier-table.ts';
import { PATHS } from '../http/route-paths.ts';
import type { Creator } from '../models/creator-model.ts';
import type { CreatorPlan, PlansService } from '../services/tiers/plans-service.ts';

/**
 * Bytes per PATCH the browser sends. Bounded so a proxy's body limit (often 100 MB) never
 * refuses a request, and large enough that a big file needs few round trips; a dropped
 * connection loses at most what the unfinished request carried.
 */
export const UPLOAD_CHUNK_BYTES = 50 * 1024 ** 2;

const remaining = (limit: number | null, used: number) => (limit === null ? null : Math.max(0, limit - used));

export function uploaderSettings(
  creator: Pick<Creator, 'tier'>,
  plan: CreatorPlan,
  deps: { uploadMaxBytes: number; plans: Pick<PlansService, 'upgradeForFeature'>; unfinishedUploads: string[] },
) {
  return {
    endpoint: PATHS.uploads,
    maxFileBytes: deps.uploadMaxBytes,
    remainingBytes: remaining(plan.limits.storageBytes, plan.usage.storageBytes),
    remainingVideos: remaining(plan.limits.videos, plan.usage.videos),
    bulk: hasFeature(creator.tier, 'bulk_upload'),
    bulkUpgradeUrl: deps.plans.upgradeForFeature('bulk_upload'),
    chunkBytes: UPLOAD_CHUNK_BYTES,
    unfinishedUploads: deps.unfinishedUploads,
  };
}
