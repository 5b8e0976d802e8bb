/**
 * Who is asking, and about what, on the embedded (Whop App) pages. The user comes from the
 * verified `x-whop-user-token` (`sub`); Chronos knows them by that Whop user id, the same row
 * as in the external mode (created from Whop's profile on first visit), so data, limits and
 * progress are shared between the two modes. The experience's company comes from Chronos's
 * record of its experiences (written at install, see experience-records.ts); an experience
 * not recorded yet is asked of Whop's experiences API once and recorded. Both are cached. What
 * the user may do there comes from Whop's check-access.
 */
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { RoleService, UserContext } from '../role-service.ts';
import { avatarUrlFrom } from '../user-service.ts';
import type { AccessLevel, WhopApiClient } from '../whop/whop-api-client.ts';
import { WhopApiError } from '../whop/whop-errors.ts';
import type { ExperienceRecords, RecordedExperience } from './experience-records.ts';

export interface EmbeddedExperience {
  id: string;
  companyId: string;
  companyTitle: string;
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
  whop: Pick<WhopApiClient, 'getExperience' | 'checkAccess' | 'getUser' | 'purchaseUrlOf'>;
  cache: CacheService;
  models: Pick<Models, 'User'>;
  roles: RoleService;
  records: Pick<ExperienceRecords, 'find' | 'record'>;
  logger: Logger;
}) {
  const { whop, cache, records } = deps;

  const asEmbedded = (recorded: RecordedExperience): EmbeddedExperience => ({
    id: recorded.id,
    companyId: recorded.companyId,
    companyTitle: recorded.companyTitle,
  });

  /** An experience not recorded yet: Whop's answer, recorded (null when Whop knows none). */
  async function lookUp(experienceId: string): Promise<RecordedExperience | null> {
    let answer: Awaited<ReturnType<typeof whop.getExperience>>;
    try {
      answer = await whop.getExperience(experienceId);
    } catch (error) {
      if (error instanceof WhopApiError && error.status === 404) return null;
      throw error;
    }
    if (answer.id !== experienceId) {
      deps.logger.warn({ experienceId, answeredId: answer.id }, 'whop answered another experience; refused');
      return null;
    }
    const outcome = await records.record(answer, 'lookup');
    if (outcome.kind === 'recorded') return outcome.experience;
    // Refused (recorded meanwhile for another company) or malformed: only the record counts.
    return records.find(experienceId);
  }

  /** Where a member without access can buy it: the first plan of the experience's first product. */
  async function purchaseUrlOf(experienceId: string): Promise<string | null | undefined> {
    try {
      const answer = await whop.getExperience(experienceId);
      const productId = answer.products[0]?.id;
      if (!productId) return null;
      return await whop.purchaseUrlOf(answer.company.id, productId);
    } catch (error) {
      deps.logger.warn({ err: { name: (error as Error).name }, experienceId }, 'no purchase link for the experience');
      return undefined;
    }
  }

  return {
    /**
     * The experience and its company: from the record (no Whop call), else from Whop (then
     * recorded); null when Whop knows no such experience.
     */
    async experience(experienceId: string): Promise<EmbeddedExperience | null> {
      if (!isExperienceId(experienceId)) return null;
      const key = `whop-app:experience:${experienceId}`;
      const cached = await cache.get<EmbeddedExperience>(key);
      if (cached) return cached;
      const recorded = (await records.find(experienceId)) ?? (await lookUp(experienceId));
      if (!recorded) return null;
      const experience = asEmbedded(recorded);
      await cache.set(key, experience, EXPERIENCE_TTL_MS);
      return experience;
    },

    /**
     * The purchase link shown to a member without access (cached). The experience's products
     * are not part of the record (Whop's list answer has none, and creators re-attach them), so
     * this one page asks Whop's `GET /experiences/{id}` for them.
     */
    async purchaseUrl(experience: EmbeddedExperience): Promise<string | null> {
      const key = `whop-app:purchase-url:${experience.id}`;
      const cached = await cache.get<{ url: string | null }>(key);
      if (cached) return cached.url;
      const url = await purchaseUrlOf(experience.id);
      if (url === undefined) return null; // Whop failed: no link now, asked again next time
      await cache.set(key, { url }, EXPERIENCE_TTL_MS);
      return url;
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
