/**
 * A signed-in user becomes a creator by naming their Whop company. Whop's check-access must
 * say they are an `admin` of it; one company has one creator, and one user runs one company.
 * The company's existing memberships are then imported as students (every page).
 */
import { UniqueConstraintError } from 'sequelize';
import type { Logger } from 'pino';
import type { Models } from '../models/init-models.ts';
import type { Creator } from '../models/creator-model.ts';
import type { User } from '../models/user-model.ts';
import { ConflictError, ForbiddenError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { WhopApiError } from './whop/whop-errors.ts';
import type { WhopApiClient } from './whop/whop-api-client.ts';
import type { ReconciliationService } from './reconciliation-service.ts';
import type { CreatorTierService } from './tiers/creator-tier-service.ts';

export const COMPANY_ID_PATTERN = /^biz_[A-Za-z0-9_]{1,64}$/;

export interface ImportResult {
  memberships: number;
  active: number;
  overLimit: number;
  inactive: number;
}

export function createOnboardingService(deps: {
  models: Pick<Models, 'Creator' | 'Student'>;
  whop: WhopApiClient;
  tiers: CreatorTierService;
  reconciliation: ReconciliationService;
  chronosCompanyId: string;
  logger: Logger;
}) {
  async function whopCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof WhopApiError && error.status === 404) throw new ValidationError('Whop does not know that company. Check the id (it starts with biz_).');
      if (error instanceof WhopApiError) throw new ServiceUnavailableError('Whop is not reachable right now. Please try again in a moment.', 5);
      throw error;
    }
  }

  /** Imports the company's members (a reconciliation of that one company) and counts where they stand. */
  async function importMembers(creator: Creator): Promise<ImportResult> {
    const summary = await whopCall(() => deps.reconciliation.runForCreator(creator, 'onboarding'));
    const count = (status: string) => deps.models.Student.count({ where: { creatorId: creator.id, status } });
    return { memberships: summary.memberships, active: await count('active'), overLimit: await count('over_limit'), inactive: await count('inactive') };
  }

  return {
    importMembers,

    async onboard(user: User, rawCompanyId: unknown): Promise<{ creator: Creator; imported: ImportResult }> {
      const companyId = typeof rawCompanyId === 'string' ? rawCompanyId.trim() : '';
      if (!COMPANY_ID_PATTERN.test(companyId)) throw new ValidationError('Enter your Whop company id: it starts with biz_ (for example biz_AbC123).');
      if (companyId === deps.chronosCompanyId) throw new ForbiddenError('That is Chronos’s own company; it cannot be onboarded as a creator.');
      const owned = await deps.models.Creator.findOne({ where: { ownerUserId: user.id } });
      if (owned) throw new ConflictError(`You already run ${owned.companyName ?? owned.whopCompanyId} on Chronos.`);
      if (await deps.models.Creator.findOne({ where: { whopCompanyId: companyId } })) {
        throw new ConflictError('That company is already on Chronos under another account. Ask its owner, or contact support.');
      }
      const access = await whopCall(() => deps.whop.checkAccess(companyId, user.whopUserId));
      if (access !== 'admin') throw new ForbiddenError('Whop says you are not an admin of that company, so it cannot be onboarded under your account.');
      const company = await whopCall(() => deps.whop.getCompany(companyId));
      let creator: Creator;
      try {
        creator = await deps.models.Creator.create({ whopCompanyId: companyId, companyName: company.title ?? null, ownerUserId: user.id, tierSourceMembershipId: null, tierUpdatedAt: null, gracePeriodEndsAt: null });
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw new ConflictError('That company was just claimed by another account.');
        throw error;
      }
      await deps.tiers.recompute(creator, user.whopUserId, { fresh: true }).catch((error: unknown) => {
        deps.logger.warn({ creatorId: creator.id, err: { message: (error as Error).message } }, 'tier not read at onboarding; stays free until the next check');
      });
      let imported: ImportResult;
      try {
        imported = await importMembers(creator);
      } catch (error) {
        // All or nothing: a creator whose members could not be read is removed, so the user can retry.
        await creator.destroy();
        throw error;
      }
      deps.logger.info({ creatorId: creator.id, companyId, userId: user.id, ...imported }, 'creator onboarded');
      return { creator, imported };
    },
  };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
