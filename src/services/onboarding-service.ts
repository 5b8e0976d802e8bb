/**
 * A signed-in user becomes a creator by picking one of the companies Whop lists for them
 * (`GET /companies` with their own token). Then, in order: the app must be able to read the
 * company (an API-key call; 403 = not installed: the user is asked to install Chronos there and
 * check again), and Whop's check-access must call the user an `admin`. One company has one
 * creator and one user runs one company; a company whose owner is no longer its admin can be
 * taken over by a current admin, keeping its data. The company's memberships are then imported
 * as students (every page), and its experiences of the Chronos app recorded (the embedded
 * member view's company, see whop-app/experience-records.ts).
 */
import { Op, UniqueConstraintError } from 'sequelize';
import type { Logger } from 'pino';
import type { Models } from '../models/init-models.ts';
import type { Creator } from '../models/creator-model.ts';
import type { User } from '../models/user-model.ts';
import {
  ConflictError,
  ForbiddenError,
  ServiceUnavailableError,
  ValidationError,
  errorMessage,
} from '../domain/app-errors.ts';
import { WhopApiError, WhopRateLimitError } from './whop/whop-errors.ts';
import type { WhopApiClient } from './whop/whop-api-client.ts';
import type { ReconciliationService } from './reconciliation/reconciliation-service.ts';
import type { CreatorTierService } from './tiers/creator-tier-service.ts';
import type { CreatorAccessService } from './creator-access-service.ts';
import type { ExperienceRecords } from './whop-app/experience-records.ts';

export const COMPANY_ID_PATTERN = /^biz_[A-Za-z0-9_]{1,64}$/;

export interface ImportResult {
  memberships: number;
  active: number;
  overLimit: number;
  inactive: number;
}

export interface CompanyChoice {
  id: string;
  title: string;
  /** Already run on Chronos: by this user, or by someone else. */
  onChronos: 'yours' | 'other' | null;
}

export type OnboardingOutcome =
  | { kind: 'onboarded'; creator: Creator; imported: ImportResult }
  | { kind: 'took_over'; creator: Creator; imported: ImportResult }
  | { kind: 'install'; company: { id: string; title: string }; installUrl: string };

export function createOnboardingService(deps: {
  models: Pick<Models, 'Creator' | 'Student'>;
  whop: WhopApiClient;
  tiers: CreatorTierService;
  reconciliation: ReconciliationService;
  access: CreatorAccessService;
  experiences: Pick<ExperienceRecords, 'recordCompany'>;
  chronosCompanyId: string;
  installUrl: string;
  logger: Logger;
}) {
  async function whopCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof WhopApiError && error.status === 404)
        throw new ValidationError('Whop does not know that company. Pick one from the list.');
      if (error instanceof WhopRateLimitError)
        throw new ServiceUnavailableError(
          'Whop is busy right now. Please try again in a minute.',
          error.retryAfterSeconds ?? 30,
        );
      if (error instanceof WhopApiError)
        throw new ServiceUnavailableError('Whop is not reachable right now. Please try again in a moment.', 5);
      throw error;
    }
  }

  /**
   * Records the company's experiences of the app, as Whop lists them now. Best effort: a Whop
   * failure is logged, and each experience is then recorded on its first visit instead.
   */
  async function recordExperiences(companyId: string): Promise<void> {
    try {
      await deps.experiences.recordCompany(companyId, 'install');
    } catch (error) {
      deps.logger.warn(
        { companyId, err: { name: (error as Error).name, message: errorMessage(error) } },
        'experiences not recorded at connection; each is recorded on its first visit',
      );
    }
  }

  /**
   * A company Chronos can read (just onboarded, taken over or reconnected): records its
   * experiences, imports its members (a reconciliation of that one company) and counts where
   * they stand.
   */
  async function importMembers(creator: Creator): Promise<ImportResult> {
    await recordExperiences(creator.whopCompanyId);
    const summary = await whopCall(() => deps.reconciliation.runForCreator(creator, 'onboarding'));
    const count = (status: string) => deps.models.Student.count({ where: { creatorId: creator.id, status } });
    return {
      memberships: summary.memberships,
      active: await count('active'),
      overLimit: await count('over_limit'),
      inactive: await count('inactive'),
    };
  }

  /** The companies Whop lists for the user (their token), minus Chronos's own; a refusal is a clear message. */
  async function listCompanies(userAccessToken: string): Promise<{ id: string; title: string }[]> {
    try {
      const companies = await deps.whop.listUserCompanies(userAccessToken);
      return companies.filter((c) => c.id !== deps.chronosCompanyId);
    } catch (error) {
      if (error instanceof WhopApiError && (error.status === 401 || error.status === 403)) {
        throw new ServiceUnavailableError(
          'Whop did not let Chronos list the companies you manage. Sign out and in again to renew Chronos’s access.',
        );
      }
      return whopCall(() => Promise.reject(error));
    }
  }

  async function creatorRunBy(user: User): Promise<Creator | null> {
    return deps.models.Creator.findOne({ where: { ownerUserId: user.id, ownerAccess: 'admin' } });
  }

  async function setUpTier(creator: Creator, whopUserId: string): Promise<void> {
    await deps.tiers.recompute(creator, whopUserId, { fresh: true }).catch((error: unknown) => {
      deps.logger.warn(
        { creatorId: creator.id, err: { message: errorMessage(error) } },
        'tier not read at onboarding; stays free until the next check',
      );
    });
  }

  /** A creator exists for the company: the user may take it over when its owner is no longer an admin. */
  async function takeOver(user: User, existing: Creator): Promise<OnboardingOutcome> {
    if (existing.ownerUserId === user.id) {
      // The owner is an admin again (check-access just said so): their creator is theirs again.
      await whopCall(() => deps.access.recheckOwner(existing));
    } else {
      const ownerAccess = await whopCall(() => deps.access.recheckOwner(existing));
      if (ownerAccess === 'admin')
        throw new ConflictError(
          'That company is already on Chronos under another account, who is still its admin on Whop. Ask them, or ' +
            'contact support.',
        );
      if (!(await deps.access.takeOver(existing, user)))
        throw new ConflictError('That company was just taken over by another account.');
    }
    await deps.access.markConnected(existing);
    await setUpTier(existing, user.whopUserId);
    const imported = await importMembers(existing);
    deps.logger.info({ creatorId: existing.id, userId: user.id }, 'creator taken over at onboarding');
    return { kind: 'took_over', creator: existing, imported };
  }

  return {
    importMembers,
    listCompanies,
    /** Where the user installs Chronos on a company (Whop's install link, or the sandbox's). */
    installUrl: deps.installUrl,

    /** The user's companies for the picker, each marked when it is already on Chronos. */
    async choices(user: User, userAccessToken: string): Promise<CompanyChoice[]> {
      const companies = await listCompanies(userAccessToken);
      const onChronos = await deps.models.Creator.findAll({
        where: { whopCompanyId: { [Op.in]: companies.map((c) => c.id) } },
        attributes: ['whopCompanyId', 'ownerUserId', 'ownerAccess'],
      });
      const state = new Map(
        onChronos.map((c) => [
          c.whopCompanyId,
          c.ownerUserId === user.id && c.ownerAccess === 'admin' ? ('yours' as const) : ('other' as const),
        ]),
      );
      return companies.map((c) => ({ ...c, onChronos: state.get(c.id) ?? null }));
    },

    /** The creator whose owner rights this user lost, for the message on the onboarding page. */
    lostCreator(user: User): Promise<Creator | null> {
      return deps.models.Creator.findOne({ where: { ownerUserId: user.id, ownerAccess: 'revoked' } });
    },

    async onboard(user: User, rawCompanyId: unknown, userAccessToken: string): Promise<OnboardingOutcome> {
      const companyId = typeof rawCompanyId === 'string' ? rawCompanyId.trim() : '';
      if (!COMPANY_ID_PATTERN.test(companyId))
        throw new ValidationError('Pick one of your Whop companies from the list.');
      if (companyId === deps.chronosCompanyId)
        throw new ForbiddenError('That is Chronos’s own company; it cannot be onboarded as a creator.');
      const owned = await creatorRunBy(user);
      if (owned) throw new ConflictError(`You already run ${owned.companyName ?? owned.whopCompanyId} on Chronos.`);

      // Whop's list of the companies the user manages is the evidence of rights before the app is installed.
      const listed = (await listCompanies(userAccessToken)).find((c) => c.id === companyId);
      if (!listed)
        throw new ForbiddenError(
          'Whop does not list that company among the ones you manage, so it cannot be onboarded under your account.',
        );
      const existing = await deps.models.Creator.findOne({ where: { whopCompanyId: companyId } });
      const reachable = await whopCall(() => deps.access.probe(companyId, existing ?? undefined));
      if (reachable === 'not_installed') return { kind: 'install', company: listed, installUrl: deps.installUrl };

      const level = await whopCall(() => deps.whop.checkAccess(companyId, user.whopUserId));
      if (level !== 'admin')
        throw new ForbiddenError(
          'Whop says you are not an admin of that company, so it cannot be onboarded under your account.',
        );
      if (existing) return takeOver(user, existing);

      let creator: Creator;
      try {
        creator = await deps.models.Creator.create({
          whopCompanyId: companyId,
          companyName: reachable.title ?? listed.title,
          ownerUserId: user.id,
          tierSourceMembershipId: null,
          tierUpdatedAt: null,
          gracePeriodEndsAt: null,
          ownerAccessCheckedAt: new Date(),
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError)
          throw new ConflictError('That company was just claimed by another account.');
        throw error;
      }
      await setUpTier(creator, user.whopUserId);
      let imported: ImportResult;
      try {
        imported = await importMembers(creator);
      } catch (error) {
        // All or nothing: a creator whose members could not be read is removed, so the user can retry.
        await creator.destroy();
        throw error;
      }
      deps.logger.info({ creatorId: creator.id, companyId, userId: user.id, ...imported }, 'creator onboarded');
      return { kind: 'onboarded', creator, imported };
    },
  };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
