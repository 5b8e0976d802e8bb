/**
 * Keeps each creator's stored tier in step with their Chronos plan on Whop. Requests read
 * the stored tier; it is recomputed at sign-in, on onboarding, on plan webhooks, and — in the
 * background, once per cache period across all instances — when a signed-in creator's tier is
 * older than the cache period. Whop's answer is cached for that period (5 minutes).
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { CacheService } from '../cache/cache-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { resolveTier, type ResolvedTier } from './tier-resolver.ts';
import { tierRank } from './tier-table.ts';
import type { StudentService } from '../students/student-service.ts';
import type { Models } from '../../models/init-models.ts';

export const TIER_CACHE_TTL_MS = 5 * 60 * 1000;

interface CachedPlan {
  tier: ResolvedTier['tier'];
  membershipId: string | null;
  renewsAt: string | null;
  cancelAtPeriodEnd: boolean;
}

export interface CreatorTierServiceDeps {
  config: Pick<Config, 'whop'>;
  models: Pick<Models, 'Creator'>;
  whop: WhopApiClient;
  cache: CacheService;
  students: StudentService;
  logger: Logger;
  ttlMs?: number;
  now?: () => number;
}

export function createCreatorTierService(deps: CreatorTierServiceDeps) {
  const ttlMs = deps.ttlMs ?? TIER_CACHE_TTL_MS;
  const now = deps.now ?? Date.now;
  const cacheKey = (whopUserId: string) => `chronos-plan:${whopUserId}`;

  async function planOf(ownerWhopUserId: string, fresh: boolean): Promise<CachedPlan> {
    if (!fresh) {
      const cached = await deps.cache.get<CachedPlan>(cacheKey(ownerWhopUserId));
      if (cached) return cached;
    }
    const companyId = deps.config.whop.companyId;
    const memberships = await deps.whop.listMemberships({ companyId, userIds: [ownerWhopUserId] });
    const plan = toPlan(resolveTier(memberships, companyId, deps.config.whop.tierProducts));
    await deps.cache.set(cacheKey(ownerWhopUserId), plan, ttlMs);
    return plan;
  }

  async function apply(creator: Creator, plan: CachedPlan): Promise<{ before: Creator['tier']; after: Creator['tier'] }> {
    const before = creator.tier;
    await creator.update({
      tier: plan.tier,
      tierSourceMembershipId: plan.membershipId,
      tierRenewsAt: plan.renewsAt ? new Date(plan.renewsAt) : null,
      tierCancelAtPeriodEnd: plan.cancelAtPeriodEnd,
      tierUpdatedAt: new Date(now()),
    });
    if (before !== plan.tier) deps.logger.info({ creatorId: creator.id, from: before, to: plan.tier }, 'creator tier changed');
    if (tierRank(plan.tier) > tierRank(before)) await deps.students.activateUpToLimit(creator.id);
    return { before, after: plan.tier };
  }

  return {
    /** Reads the owner's plan (from the cache unless `fresh`) and stores the resulting tier. */
    async recompute(creator: Creator, ownerWhopUserId: string, options: { fresh?: boolean } = {}) {
      return apply(creator, await planOf(ownerWhopUserId, options.fresh ?? false));
    },

    /** Stores the tier that these memberships (e.g. from a webhook) grant, and caches it. */
    async applyMemberships(creator: Creator, ownerWhopUserId: string, memberships: readonly WhopMembership[]) {
      const plan = toPlan(resolveTier(memberships, deps.config.whop.companyId, deps.config.whop.tierProducts));
      await deps.cache.set(cacheKey(ownerWhopUserId), plan, ttlMs);
      return apply(creator, plan);
    },

    /** At sign-in: the user's creator (if any) gets their tier read afresh; Whop being down only logs. */
    async refreshAtSignIn(user: { id: number; whopUserId: string }): Promise<void> {
      const creator = await deps.models.Creator.findOne({ where: { ownerUserId: user.id } });
      if (!creator) return;
      await apply(creator, await planOf(user.whopUserId, true)).catch((error: unknown) => {
        deps.logger.warn({ creatorId: creator.id, err: { message: (error as Error).message } }, 'tier not refreshed at sign-in');
      });
    },

    async invalidate(ownerWhopUserId: string): Promise<void> {
      await deps.cache.delete(cacheKey(ownerWhopUserId));
    },

    /** Starts a background recompute when the stored tier is older than the cache period (once per period across instances). */
    refreshIfStale(creator: Creator, ownerWhopUserId: string): void {
      const updatedAt = creator.tierUpdatedAt?.getTime() ?? 0;
      if (now() - updatedAt < ttlMs) return;
      void (async () => {
        if (!(await deps.cache.setIfAbsent(`tier-refresh:${creator.id}`, 1, ttlMs))) return;
        await apply(creator, await planOf(ownerWhopUserId, true));
      })().catch((error: unknown) => deps.logger.warn({ creatorId: creator.id, err: { message: (error as Error).message } }, 'background tier refresh failed'));
    },
  };
}

function toPlan(resolved: ResolvedTier): CachedPlan {
  return {
    tier: resolved.tier,
    membershipId: resolved.membership?.id ?? null,
    renewsAt: resolved.membership?.renewalPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: resolved.membership?.cancelAtPeriodEnd ?? false,
  };
}

export type CreatorTierService = ReturnType<typeof createCreatorTierService>;
