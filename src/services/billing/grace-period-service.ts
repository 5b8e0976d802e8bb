/**
 * A failed payment of a creator's Chronos plan starts a grace period (GRACE_PERIOD_DAYS): the
 * tier stays, the dashboard shows the date, the owner gets an email. A successful payment ends
 * it (so do Whop's `invoice.past_due` / `invoice.paid`); otherwise a scheduled check applies
 * whatever the plan memberships say when it ends. A student's `past_due` membership keeps access
 * for the same number of days (see membership-access.ts); the same check ends it.
 */
import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { Creator } from '../../models/creator-model.ts';
import type { Models } from '../../models/init-models.ts';
import type { CreatorTierService } from '../tiers/creator-tier-service.ts';
import type { StudentService } from '../students/student-service.ts';
import { tierDefinition } from '../../domain/tier-table.ts';
import { enqueueEmail, isMailableAddress } from '../email/email-outbox.ts';

export function createGracePeriodService(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'User' | 'EmailOutbox'>;
  tiers: CreatorTierService;
  /** Students whose membership went `past_due` keep access for the same grace period. */
  students?: Pick<StudentService, 'expireGracePeriods'>;
  gracePeriodDays: number;
  appUrl: string;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  return {
    /** Starts the grace period unless one is running; true when it started. */
    async start(creator: Creator, transaction: Transaction): Promise<boolean> {
      if (creator.gracePeriodEndsAt && creator.gracePeriodEndsAt.getTime() > now()) return false;
      const endsAt = new Date(now() + deps.gracePeriodDays * 24 * 60 * 60 * 1000);
      await creator.update({ billingStatus: 'past_due', gracePeriodEndsAt: endsAt }, { transaction });
      const ownerEmail = (await deps.models.User.findByPk(creator.ownerUserId, { transaction }))?.email;
      if (isMailableAddress(ownerEmail)) {
        await enqueueEmail(
          deps.models,
          {
            dedupeKey: `grace_period:${creator.id}:${endsAt.toISOString()}`,
            template: 'grace_period',
            to: ownerEmail,
            payload: { graceEndsAt: endsAt.toISOString(), tierName: tierDefinition(creator.tier).name },
          },
          { transaction, appUrl: deps.appUrl },
        );
      }
      deps.logger.info({ creatorId: creator.id, endsAt }, 'grace period started');
      return true;
    },

    /** A payment succeeded: the plan is in good standing again. */
    async end(creator: Creator, transaction: Transaction): Promise<void> {
      if (creator.billingStatus === 'ok' && creator.gracePeriodEndsAt === null) return;
      await creator.update({ billingStatus: 'ok', gracePeriodEndsAt: null }, { transaction });
    },

    /**
     * Ends every grace period that has run out: creators get the tier their plan now grants, and
     * students whose membership is still `past_due` lose access. Returns the creators handled.
     */
    async applyExpired(): Promise<number> {
      const students = await deps.students?.expireGracePeriods();
      if (students) deps.logger.info({ students }, 'student grace periods ended');
      const due = await deps.models.Creator.findAll({
        where: { gracePeriodEndsAt: { [Op.lte]: new Date(now()) } },
        attributes: ['id'],
      });
      for (const { id } of due) {
        await deps.sequelize.transaction(async (transaction) => {
          const creator = await deps.models.Creator.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
          if (!creator?.gracePeriodEndsAt || creator.gracePeriodEndsAt.getTime() > now()) return;
          const owner = await deps.models.User.findByPk(creator.ownerUserId, { transaction });
          await creator.update({ billingStatus: 'ok', gracePeriodEndsAt: null }, { transaction });
          if (owner) await deps.tiers.applyStoredPlan(creator, owner.whopUserId, transaction);
          deps.logger.info({ creatorId: creator.id, tier: creator.tier }, 'grace period ended');
        });
      }
      return due.length;
    },
  };
}

export type GracePeriodService = ReturnType<typeof createGracePeriodService>;
