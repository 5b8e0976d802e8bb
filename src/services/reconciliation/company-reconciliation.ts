/**
 * The students side of a reconciliation: every onboarded company's memberships read from Whop's
 * API (every page before anything is applied) and applied with the webhooks' rules, those left
 * over by the last run first. A company where Chronos is no longer installed is skipped and marked
 * disconnected; after a 429 storm the companies not yet read wait for the next run.
 */
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { StudentService } from '../students/student-service.ts';
import { isNotInstalled, type CreatorAccessService } from '../creator-access-service.ts';
import { WhopRateLimitError } from '../whop/whop-errors.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import { errorMessage } from '../../domain/app-errors.ts';
import { NOT_ATTEMPTED, NOT_INSTALLED, RATE_LIMITED, type ReconciliationSummary } from './reconciliation-summary.ts';

export function createCompanyReconciliation(deps: {
  models: Pick<Models, 'Creator' | 'ReconciliationRun'>;
  whop: WhopApiClient;
  students: StudentService;
  /** Connection and owner-rights checks; without it those are not re-checked. */
  access?: CreatorAccessService;
  logger: Logger;
}) {
  /** Every page of the company's memberships is read before anything is applied: a 429 on page 3 changes nothing. */
  async function companyStudents(creator: Creator, summary: ReconciliationSummary): Promise<void> {
    await applyStudents(creator, await deps.whop.listMemberships({ companyId: creator.whopCompanyId }), summary);
  }

  async function applyStudents(
    creator: Creator,
    memberships: WhopMembership[],
    summary: ReconciliationSummary,
  ): Promise<void> {
    summary.companies += 1;
    summary.memberships += memberships.length;
    for (const membership of memberships) {
      const result = await deps.students.applyMembership(creator.id, membership);
      // `user: null` matching no stored student: nothing to apply, settled with the reason logged.
      if (result.change === 'unmatched')
        deps.logger.info(
          { creatorId: creator.id, membershipId: membership.id },
          'membership without a user matches no student: skipped',
        );
      if (result.change === 'created') summary.studentsCreated += 1;
      else if (result.change === 'updated' && result.previousStatus !== result.status) summary.studentsChanged += 1;
    }
  }

  /** The companies the last finished run could not reconcile: this run reads them first. */
  async function leftOver(): Promise<Set<string>> {
    const last = await deps.models.ReconciliationRun.findOne({
      where: { status: ['succeeded', 'failed'], trigger: ['schedule', 'admin'] },
      order: [
        ['startedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    const rows = (last?.summary as Partial<ReconciliationSummary> | undefined)?.unreconciled;
    return new Set(Array.isArray(rows) ? rows.map((r) => r.companyId) : []);
  }

  /**
   * One company: read every page, re-check the owner's rights, then apply. A 403 marks it
   * disconnected and skips it; a successful read reconnects it. Returns false when Whop is rate limiting.
   */
  async function reconcileCompany(creator: Creator, summary: ReconciliationSummary): Promise<boolean> {
    const skip = () => summary.skipped.push({ companyId: creator.whopCompanyId, reason: NOT_INSTALLED });
    try {
      const memberships = await deps.whop.listMemberships({ companyId: creator.whopCompanyId });
      // Also marks the company connected again, or disconnected on a 403.
      if ((await deps.access?.recheckOwner(creator)) === 'disconnected') skip();
      else await applyStudents(creator, memberships, summary);
    } catch (error) {
      if (isNotInstalled(error)) {
        await deps.access?.markDisconnected(creator);
        skip();
      } else if (error instanceof WhopRateLimitError) {
        summary.unreconciled.push({ companyId: creator.whopCompanyId, reason: RATE_LIMITED });
        return false;
      } else {
        summary.errors.push(`${creator.whopCompanyId}: ${errorMessage(error)}`);
        summary.unreconciled.push({ companyId: creator.whopCompanyId, reason: errorMessage(error).slice(0, 200) });
      }
    }
    return true;
  }

  /**
   * Every onboarded company, those left over by the last run first; after a 429 storm the rest wait for the next run.
   */
  async function students(summary: ReconciliationSummary): Promise<boolean> {
    const first = await leftOver();
    const creators = (await deps.models.Creator.findAll({ order: [['id', 'ASC']] })).sort(
      (a, b) => Number(first.has(b.whopCompanyId)) - Number(first.has(a.whopCompanyId)),
    );
    for (const [index, creator] of creators.entries()) {
      if (await reconcileCompany(creator, summary)) continue;
      for (const rest of creators.slice(index + 1))
        summary.unreconciled.push({ companyId: rest.whopCompanyId, reason: NOT_ATTEMPTED });
      return false;
    }
    return true;
  }

  return { companyStudents, students };
}
