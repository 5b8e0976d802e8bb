/**
 * Who is asking, and about what, on the embedded (Whop App) pages. The user comes from the
 * verified `x-whop-user-token` (`sub`); Chronos knows them by that Whop user id, the same row
 * as in the external mode (created from Whop's profile on first visit), so data, limits and
 * progress are shared between the two modes. The experience's company comes from Whop's
 * experiences API (cached); what the user may do there from Whop's check-access.
 */
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import type { CacheService } from '../cache/cache-service.ts';
import type { RoleService, UserContext } from '../role-service.ts';
import { avatarUrlFrom } from '../user-service.ts';
import type { AccessLevel, WhopApiClient } from '../whop/whop-api-client.ts';
import { WhopApiError } from '../whop/whop-errors.ts';

export interface EmbeddedExperience {
  id: string;
  companyId: string;
  companyTitle: string;
  /** Where a member without access can buy it (the first plan of the experience's first product). */
  purchaseUrl: string | null;
}

const EXPERIENCE_TTL_MS = 10 * 60_000;
const EXPERIENCE_ID = /^exp_[A-Za-z0-9]{1,64}$/;
const COMPANY_ID = /^biz_[A-Za-z0-9]{1,64}$/;

/** The SDK types the profile picture loosely; Whop sends `{ url }` or null. */
function pictureOf(profile: { profile_picture?: unknown }): string | null {
  const url = (profile.profile_picture as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' ? url : null;
}

export function isExperienceId(value: string): boolean {
  return EXPERIENCE_ID.test(value);
}

export function isCompanyId(value: string): boolean {
  return COMPANY_ID.test(value);
}

export function createEmbeddedViewerService(deps: {
  whop: Pick<WhopApiClient, 'getExperience' | 'checkAccess' | 'getUser' | 'listPlans'>;
  cache: CacheService;
  models: Pick<Models, 'User'>;
  roles: RoleService;
  logger: Logger;
}) {
  const { whop, cache } = deps;

  async function purchaseUrlOf(companyId: string, productIds: string[]): Promise<string | null> {
    const productId = productIds[0];
    if (!productId) return null;
    try {
      const plans = await whop.listPlans(companyId, productId);
      return plans.map((p) => (p as { purchase_url?: string | null }).purchase_url).find((u) => Boolean(u)) ?? null;
    } catch (error) {
      deps.logger.warn({ err: { name: (error as Error).name }, companyId }, 'no purchase link for the experience');
      return null;
    }
  }

  return {
    /** The experience and its company, or null when Whop knows no such experience. */
    async experience(experienceId: string): Promise<EmbeddedExperience | null> {
      if (!isExperienceId(experienceId)) return null;
      const key = `whop-app:experience:${experienceId}`;
      const cached = await cache.get<EmbeddedExperience>(key);
      if (cached) return cached;
      let answer: Awaited<ReturnType<typeof whop.getExperience>>;
      try {
        answer = await whop.getExperience(experienceId);
      } catch (error) {
        if (error instanceof WhopApiError && error.status === 404) return null;
        throw error;
      }
      const experience: EmbeddedExperience = {
        id: answer.id,
        companyId: answer.company.id,
        companyTitle: answer.company.title,
        purchaseUrl: await purchaseUrlOf(
          answer.company.id,
          answer.products.map((p) => p.id),
        ),
      };
      await cache.set(key, experience, EXPERIENCE_TTL_MS);
      return experience;
    },

    /** Whop's answer for this user on an experience or a company: `customer`, `admin` or `no_access`. */
    accessLevel(resourceId: string, whopUserId: string): Promise<AccessLevel> {
      return whop.checkAccess(resourceId, whopUserId);
    },

    /** The user's Chronos context, creating their row from Whop's profile on their first visit. */
    async contextOf(whopUserId: string): Promise<UserContext | null> {
      let user = await deps.models.User.findOne({ where: { whopUserId } });
      if (!user) {
        const profile = await whop.getUser(whopUserId);
        [user] = await deps.models.User.upsert(
          {
            whopUserId,
            username: profile.username,
            name: profile.name ?? null,
            email: null,
            avatarUrl: avatarUrlFrom(pictureOf(profile)),
          },
          { conflictFields: ['whop_user_id'] as never, returning: true },
        );
      }
      return deps.roles.contextOf(user.id);
    },
  };
}

export type EmbeddedViewerService = ReturnType<typeof createEmbeddedViewerService>;
