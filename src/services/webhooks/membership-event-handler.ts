/**
 * Applies a membership event from the membership object it carries (no Whop call). Chronos's
 * own company: a creator's plan, so their tier. A creator's company: one of their students.
 * Changes older than what is stored are skipped; emails go to the outbox in the same transaction.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Creator } from '../../models/creator-model.ts';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { Models } from '../../models/init-models.ts';
import { parseWhopMembership, type WhopMembership } from '../whop/whop-membership.ts';
import type { StudentService } from '../students/student-service.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import { enqueueEmail, isMailableAddress } from '../email/email-outbox.ts';
import { ignored, PermanentEventError, processed, skipped, type EventResult } from './event-results.ts';

export interface MembershipHandlerDeps {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'EmailOutbox'>;
  students: StudentService;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  appUrl: string;
  logger: Logger;
}

function membershipOf(data: unknown): WhopMembership {
  try {
    return parseWhopMembership(data);
  } catch (error) {
    if (error instanceof ZodError) throw new PermanentEventError(`data is not a membership: ${error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    throw error;
  }
}

export function createMembershipEventHandler(deps: MembershipHandlerDeps) {
  async function applyPlan(m: WhopMembership, transaction: Transaction): Promise<EventResult> {
    if ((await deps.tiers.recordPlanMembership(m, transaction)) === 'stale') return skipped(`plan membership ${m.id}: older than what is stored`);
    const creator = await deps.tiers.creatorOwnedBy(m.userId, transaction);
    if (!creator) return processed(`plan membership ${m.id} (${m.status}) stored; ${m.userId} runs no company on Chronos yet`);
    if (m.status === 'past_due') await deps.grace.start(creator, transaction);
    const change = await deps.tiers.applyStoredPlan(creator, m.userId, transaction);
    const held = change.deferred ? ' (drop held until the grace period ends)' : '';
    return processed(`plan membership ${m.id} ${m.status}: creator ${creator.id} tier ${change.before} → ${change.after}${held}`);
  }

  async function applyStudent(m: WhopMembership, companyId: string, deleted: boolean, transaction: Transaction): Promise<EventResult> {
    const [row] = await deps.sequelize.query<{ id: number; tier: Creator['tier']; company_name: string | null }>(
      'SELECT id, tier, company_name FROM creators WHERE whop_company_id = :companyId FOR UPDATE',
      { replacements: { companyId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) return ignored(`no creator has onboarded ${companyId} yet`);
    const creator = { id: row.id, tier: row.tier, companyName: row.company_name, whopCompanyId: companyId };
    if (deleted) {
      const archived = await deps.students.archive(creator.id, m.userId, transaction);
      return processed(archived > 0 ? `student ${m.userId} archived` : `no student ${m.userId} to archive`);
    }
    const result = await deps.students.applyMembershipLocked(creator, m, transaction);
    if (result.change === 'stale') return skipped(`membership ${m.id}: older than what is stored`);
    const { status, previousStatus } = result;
    const creatorName = creator.companyName ?? creator.whopCompanyId;
    if (isMailableAddress(m.userEmail) && status === 'active' && previousStatus !== 'active') {
      await enqueueEmail(deps.models, { dedupeKey: `welcome:${creator.id}:${m.userId}:${m.id}`, template: 'welcome', to: m.userEmail, payload: { creatorName, ...(m.username ? { studentName: m.username } : {}) } }, { transaction, appUrl: deps.appUrl });
    }
    if (isMailableAddress(m.userEmail) && previousStatus === 'active' && status === 'inactive') {
      await enqueueEmail(deps.models, { dedupeKey: `expiration:${m.id}:${m.updatedAt.toISOString()}`, template: 'expiration', to: m.userEmail, payload: { creatorName, membershipStatus: m.status } }, { transaction, appUrl: deps.appUrl });
    }
    return processed(`student ${m.userId} of creator ${creator.id}: ${previousStatus ?? 'new'} → ${status}`);
  }

  return {
    async handle(envelope: { type: string; company_id?: string | null; data: unknown }, transaction: Transaction): Promise<EventResult> {
      const m = membershipOf(envelope.data);
      const companyId = envelope.company_id ?? m.companyId;
      if (companyId === deps.chronosCompanyId) return applyPlan(m, transaction);
      return applyStudent(m, companyId, envelope.type === 'membership.deleted', transaction);
    },
  };
}
