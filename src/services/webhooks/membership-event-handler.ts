/**
 * Applies a membership event from the membership object it carries (no Whop call), in whatever
 * shape it came (read by services/whop/whop-shapes). Chronos's own company: a creator's plan,
 * so their tier. A creator's company: one of their students. Changes older than what is stored
 * are skipped (ordering key: `updated_at`, else the envelope's `timestamp`); a deletion obeys
 * the same rules as a deactivation; `membership.trial_ending_soon` mails the member once.
 * A membership without a user (`user: null`) is matched through its membership or member id,
 * or settled with the reason recorded; it never fails the event. Emails go to the outbox in the
 * same transaction.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { Creator } from '../../models/creator-model.ts';
import type { Models } from '../../models/init-models.ts';
import type { Tier } from '../../domain/tier-table.ts';
import { toMembership } from '../whop/whop-shapes/index.ts';
import type { WhopMembership } from '../whop/whop-membership.ts';
import type { StudentService } from '../students/student-service.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { GracePeriodService } from '../billing/grace-period-service.ts';
import { enqueueEmail, isMailableAddress } from '../email/email-outbox.ts';
import type { BrandingService } from '../branding/branding-service.ts';
import { ignored, processed, skipped, type EventResult } from './event-results.ts';
import { canonicalType, envelopeCompany, eventTime, isLegacy, type HandledEnvelope } from './event-types.ts';
import { readData } from './shape-errors.ts';

export interface MembershipHandlerDeps {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'EmailOutbox'>;
  students: StudentService;
  tiers: CreatorTierService;
  grace: GracePeriodService;
  chronosCompanyId: string;
  /** Chronos's plan products (WHOP_TIER_PRODUCTS): a legacy v5 membership names no company, its product tells. */
  tierProducts?: Readonly<Record<string, Tier>>;
  appUrl: string;
  logger: Logger;
  /** The creator's branding on their students' mails (Pro and up); absent: mails are unbranded. */
  branding?: Pick<BrandingService, 'forEmail'>;
}

interface LockedCreator {
  id: number;
  tier: Creator['tier'];
  companyName: string | null;
  whopCompanyId: string;
}

export function createMembershipEventHandler(deps: MembershipHandlerDeps) {
  const one = async <T extends object>(
    sql: string,
    replacements: Record<string, unknown>,
    transaction: Transaction,
  ): Promise<T | undefined> =>
    (await deps.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction }))[0];

  /** The company of a membership whose envelope and object name none (legacy v5): by its product. */
  async function companyOfProduct(m: WhopMembership, transaction: Transaction): Promise<string | null> {
    const tierProducts = deps.tierProducts ?? {};
    if (
      (m.productId && Object.hasOwn(tierProducts, m.productId)) ||
      (m.planId && Object.hasOwn(tierProducts, m.planId))
    )
      return deps.chronosCompanyId;
    if (!m.productId) return null;
    const row = await one<{ whop_company_id: string }>(
      `SELECT c.whop_company_id FROM student_memberships sm JOIN students s ON s.id = sm.student_id
         JOIN creators c ON c.id = s.creator_id WHERE sm.whop_product_id = :productId LIMIT 1`,
      { productId: m.productId },
      transaction,
    );
    return row?.whop_company_id ?? null;
  }

  async function applyPlan(raw: WhopMembership, deleted: boolean, transaction: Transaction): Promise<EventResult> {
    let m = deleted ? { ...raw, status: 'deleted', valid: false } : raw;
    if (!m.userId) {
      const known = await one<{ whop_user_id: string }>(
        'SELECT whop_user_id FROM plan_memberships WHERE whop_membership_id = :id',
        { id: m.id },
        transaction,
      );
      if (!known)
        return skipped(
          `plan membership ${m.id} has no user (deleted account or unclaimed) and is not stored: ` +
            'settled, nothing to apply',
        );
      m = { ...m, userId: known.whop_user_id };
    }
    const userId = m.userId!;
    if ((await deps.tiers.recordPlanMembership(m, transaction)) === 'stale')
      return skipped(`plan membership ${m.id}: older than what is stored`);
    const creator = await deps.tiers.creatorOwnedBy(userId, transaction);
    if (!creator)
      return processed(`plan membership ${m.id} (${m.status}) stored; ${userId} runs no company on Chronos yet`);
    if (m.status === 'past_due') await deps.grace.start(creator, transaction);
    const change = await deps.tiers.applyStoredPlan(creator, userId, transaction);
    const held = change.deferred ? ' (drop held until the grace period ends)' : '';
    return processed(
      `plan membership ${m.id} ${m.status}: creator ${creator.id} tier ${change.before} → ${change.after}${held}`,
    );
  }

  async function lockCreator(companyId: string, transaction: Transaction): Promise<LockedCreator | null> {
    const row = await one<{ id: number; tier: Creator['tier']; company_name: string | null }>(
      'SELECT id, tier, company_name FROM creators WHERE whop_company_id = :companyId FOR UPDATE',
      { companyId },
      transaction,
    );
    return row ? { id: row.id, tier: row.tier, companyName: row.company_name, whopCompanyId: companyId } : null;
  }

  async function applyStudent(
    m: WhopMembership,
    creator: LockedCreator,
    deleted: boolean,
    transaction: Transaction,
  ): Promise<EventResult> {
    if (deleted) {
      const { outcome, userId } = await deps.students.archiveMembership(creator.id, m, transaction);
      const who = userId ?? `of membership ${m.id}`;
      if (outcome === 'stale') return skipped(`membership ${m.id} deletion: older than what is stored`);
      if (outcome === 'kept')
        return processed(`membership ${m.id} deleted; student ${who} keeps access through another membership`);
      return processed(outcome === 'archived' ? `student ${who} archived` : `no student ${who} to archive`);
    }
    const result = await deps.students.applyMembershipLocked(creator, m, transaction);
    if (result.change === 'unmatched')
      return skipped(
        `membership ${m.id} has no user (deleted account or unclaimed) and matches no student: ` +
          'settled, nothing to apply',
      );
    if (result.change === 'stale') return skipped(`membership ${m.id}: older than what is stored`);
    const { status, previousStatus, userId } = result;
    const creatorName = creator.companyName ?? creator.whopCompanyId;
    const brand = async () => (await deps.branding?.forEmail(creator.id, transaction)) ?? {};
    if (isMailableAddress(m.userEmail) && status === 'active' && previousStatus !== 'active') {
      await enqueueEmail(
        deps.models,
        {
          dedupeKey: `welcome:${creator.id}:${userId}:${m.id}`,
          template: 'welcome',
          to: m.userEmail,
          payload: { creatorName, ...(m.username ? { studentName: m.username } : {}), ...(await brand()) },
        },
        { transaction, appUrl: deps.appUrl },
      );
    }
    if (isMailableAddress(m.userEmail) && previousStatus === 'active' && status === 'inactive') {
      await enqueueEmail(
        deps.models,
        {
          dedupeKey: `expiration:${m.id}:${m.updatedAt.toISOString()}`,
          template: 'expiration',
          to: m.userEmail,
          payload: { creatorName, membershipStatus: m.status, ...(await brand()) },
        },
        { transaction, appUrl: deps.appUrl },
      );
    }
    if (result.change === 'unchanged')
      return processed(`membership ${m.id} ${m.status}; student ${userId} keeps access through another membership`);
    return processed(`student ${userId} of creator ${creator.id}: ${previousStatus ?? 'new'} → ${status}`);
  }

  /** `membership.trial_ending_soon`: one mail per membership, to the address Whop gave or the one Chronos knows. */
  async function trialEnding(m: WhopMembership, productName: string, transaction: Transaction): Promise<EventResult> {
    let to = m.userEmail;
    if (!isMailableAddress(to) && m.userId)
      to =
        (
          await one<{ email: string | null }>(
            'SELECT email FROM users WHERE whop_user_id = :id',
            { id: m.userId },
            transaction,
          )
        )?.email ?? null;
    if (!isMailableAddress(to))
      return processed(
        `trial of membership ${m.id} ending: no address known for ${m.userId ?? 'a member without a user'}, no mail`,
      );
    const queued = await enqueueEmail(
      deps.models,
      {
        dedupeKey: `trial_ending:${m.id}`,
        template: 'trial_ending',
        to,
        payload: { productName, ...(m.renewalPeriodEnd ? { trialEndsAt: m.renewalPeriodEnd.toISOString() } : {}) },
      },
      { transaction, appUrl: deps.appUrl },
    );
    return processed(`trial of membership ${m.id} ending: ${queued ? 'reminder queued' : 'reminder already queued'}`);
  }

  return {
    async handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult> {
      const type = canonicalType(envelope.type);
      const m = readData('membership', () =>
        toMembership(envelope.data, {
          eventTime: eventTime(envelope),
          companyId: envelopeCompany(envelope),
          legacy: isLegacy(envelope),
        }),
      );
      const companyId = envelopeCompany(envelope) || m.companyId || (await companyOfProduct(m, transaction));
      if (!companyId)
        return ignored(
          `membership ${m.id}: no company named and its product ${m.productId || '(none)'} is not known to Chronos`,
        );
      const isPlan = companyId === deps.chronosCompanyId;
      if (type === 'membership.trial_ending_soon') {
        const creator = isPlan
          ? null
          : await deps.models.Creator.findOne({ where: { whopCompanyId: companyId }, transaction });
        if (!isPlan && !creator) return ignored(`no creator has onboarded ${companyId} yet`);
        return trialEnding(
          m,
          isPlan ? 'your Chronos plan' : `${creator!.companyName ?? companyId}'s course`,
          transaction,
        );
      }
      const deleted = type === 'membership.deleted';
      if (isPlan) return applyPlan(m, deleted, transaction);
      const creator = await lockCreator(companyId, transaction);
      if (!creator) return ignored(`no creator has onboarded ${companyId} yet`);
      return applyStudent(m, creator, deleted, transaction);
    },
  };
}
