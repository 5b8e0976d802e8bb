/**
 * Keeps each creator's stored tier in step with their Chronos plan on Whop. The plan
 * memberships are kept in `plan_memberships` (from webhooks, and from Whop's API at sign-in,
 * onboarding, reconciliation, and — in the background, once per cache period across all
 * instances — when a signed-in creator's tier is older than that period). The tier is always
 * computed from those rows, so a webhook alone decides it and a page view never calls Whop.
 * During a billing grace period the tier never goes down.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { Models } from '../../models/init-models.ts';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import { isValidMembershipStatus, type WhopMembership } from '../whop/whop-membership.ts';
import type { StudentService } from '../students/student-service.ts';
import { resolveTier } from './tier-resolver.ts';
import { tierRank } from '../../domain/tier-table.ts';
import { errorMessage } from '../../domain/app-errors.ts';

export const TIER_CACHE_TTL_MS = 5 * 60 * 1000;

export interface TierChange {
  before: Creator['tier'];
  after: Creator['tier'];
  /** A drop held back by the billing grace period. */
  deferred: boolean;
}

export interface CreatorTierServiceDeps {
  config: Pick<Config, 'whop'>;
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'PlanMembership'>;
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
  const { Creator, PlanMembership } = deps.models;
  const fetchedKey = (whopUserId: string) => `chronos-plan-fetched:${whopUserId}`;

  /** Stores a plan membership unless a newer version of it is stored already. */
  async function recordPlanMembership(m: WhopMembership, transaction?: Transaction): Promise<'stored' | 'stale'> {
    const rows = await deps.sequelize.query(
      `INSERT INTO plan_memberships (whop_membership_id, whop_user_id, whop_product_id, whop_plan_id, status,
              renewal_period_end, cancel_at_period_end, whop_updated_at, manage_url)
       VALUES (:id, :userId, :productId, :planId, :status, :renewalPeriodEnd, :cancelAtPeriodEnd, :updatedAt,
         :manageUrl)
       ON CONFLICT (whop_membership_id) DO UPDATE SET
         status = EXCLUDED.status, whop_product_id = EXCLUDED.whop_product_id, whop_plan_id = EXCLUDED.whop_plan_id,
         renewal_period_end = EXCLUDED.renewal_period_end, cancel_at_period_end = EXCLUDED.cancel_at_period_end,
         whop_updated_at = EXCLUDED.whop_updated_at, manage_url = coalesce(EXCLUDED.manage_url,
           plan_memberships.manage_url),
         updated_at = now()
       WHERE plan_memberships.whop_updated_at <= EXCLUDED.whop_updated_at
       RETURNING whop_membership_id`,
      {
        replacements: {
          id: m.id,
          userId: m.userId,
          productId: m.productId,
          planId: m.planId,
          status: m.status,
          renewalPeriodEnd: m.renewalPeriodEnd,
          cancelAtPeriodEnd: m.cancelAtPeriodEnd,
          updatedAt: m.updatedAt,
          manageUrl: m.manageUrl ?? null,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return rows.length > 0 ? 'stored' : 'stale';
  }

  async function storedPlan(whopUserId: string, transaction?: Transaction) {
    const rows = await PlanMembership.findAll({ where: { whopUserId }, transaction });
    const memberships: WhopMembership[] = rows.map((r) => ({
      id: r.whopMembershipId,
      status: r.status,
      valid: isValidMembershipStatus(r.status),
      companyId: deps.config.whop.companyId,
      companyTitle: null,
      productId: r.whopProductId,
      planId: r.whopPlanId,
      userId: r.whopUserId,
      userEmail: null,
      username: null,
      updatedAt: r.whopUpdatedAt,
      createdAt: null,
      renewalPeriodEnd: r.renewalPeriodEnd,
      cancelAtPeriodEnd: r.cancelAtPeriodEnd,
    }));
    return resolveTier(memberships, deps.config.whop.companyId, deps.config.whop.tierProducts);
  }

  /** Sets the creator's tier from the stored plan memberships (never lower during a grace period). */
  async function applyStoredPlan(creator: Creator, whopUserId: string, transaction?: Transaction): Promise<TierChange> {
    const plan = await storedPlan(whopUserId, transaction);
    const before = creator.tier;
    const inGrace = creator.gracePeriodEndsAt !== null && creator.gracePeriodEndsAt.getTime() > now();
    const deferred = inGrace && tierRank(plan.tier) < tierRank(before);
    const after = deferred ? before : plan.tier;
    await creator.update(
      {
        tier: after,
        ...(deferred
          ? {}
          : {
              tierSourceMembershipId: plan.membership?.id ?? null,
              tierRenewsAt: plan.membership?.renewalPeriodEnd ?? null,
              tierCancelAtPeriodEnd: plan.membership?.cancelAtPeriodEnd ?? false,
            }),
        tierUpdatedAt: new Date(now()),
      },
      { transaction },
    );
    if (before !== after) deps.logger.info({ creatorId: creator.id, from: before, to: after }, 'creator tier changed');
    if (deferred)
      deps.logger.info(
        { creatorId: creator.id, kept: before, planSays: plan.tier },
        'tier drop held until the grace period ends',
      );
    // An upgrade seats the earliest waiting students; a downgrade leaves the seats to the earliest joiners.
    if (after !== before) await deps.students.reassignSeats(creator.id, transaction);
    return { before, after, deferred };
  }

  async function refreshFromWhop(whopUserId: string): Promise<void> {
    const memberships = await deps.whop.listMemberships({
      companyId: deps.config.whop.companyId,
      userIds: [whopUserId],
    });
    for (const membership of memberships) await recordPlanMembership(membership);
    await deps.cache.set(fetchedKey(whopUserId), 1, ttlMs);
  }

  async function recompute(
    creator: Creator,
    whopUserId: string,
    options: { fresh?: boolean } = {},
  ): Promise<TierChange> {
    if (options.fresh || !(await deps.cache.get(fetchedKey(whopUserId)))) await refreshFromWhop(whopUserId);
    return applyStoredPlan(creator, whopUserId);
  }

  return {
    recordPlanMembership,
    applyStoredPlan,
    recompute,

    /** The creator run by this Whop user, if they onboarded. */
    creatorOwnedBy(whopUserId: string, transaction?: Transaction): Promise<Creator | null> {
      return Creator.findOne({
        where: deps.sequelize.literal(
          `owner_user_id = (SELECT id FROM users WHERE whop_user_id = ${deps.sequelize.escape(whopUserId)})`,
        ),
        transaction,
        ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}),
      });
    },

    /** At sign-in: the user's creator (if any) gets their plan read afresh; Whop being down only logs. */
    async refreshAtSignIn(user: { id: number; whopUserId: string }): Promise<void> {
      const creator = await Creator.findOne({ where: { ownerUserId: user.id } });
      if (!creator) return;
      await recompute(creator, user.whopUserId, { fresh: true }).catch((error: unknown) => {
        deps.logger.warn(
          { creatorId: creator.id, err: { message: errorMessage(error) } },
          'tier not refreshed at sign-in',
        );
      });
    },

    /**
     * Starts a background refresh when the stored tier is older than the cache period (once per period across
     * instances).
     */
    refreshIfStale(creator: Creator, whopUserId: string): void {
      const updatedAt = creator.tierUpdatedAt?.getTime() ?? 0;
      if (now() - updatedAt < ttlMs) return;
      void (async () => {
        if (!(await deps.cache.setIfAbsent(`tier-refresh:${creator.id}`, 1, ttlMs))) return;
        await recompute(creator, whopUserId, { fresh: true });
      })().catch((error: unknown) =>
        deps.logger.warn(
          { creatorId: creator.id, err: { message: errorMessage(error) } },
          'background tier refresh failed',
        ),
      );
    },
  };
}

export type CreatorTierService = ReturnType<typeof createCreatorTierService>;
