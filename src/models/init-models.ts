/** Initialises every model on one Sequelize instance and wires their associations. */
import type { Sequelize } from 'sequelize';
import { User } from './user-model.ts';
import { Creator } from './creator-model.ts';
import { Student } from './student-model.ts';
import { UsageMetric } from './usage-metric-model.ts';
import { Video } from './video-model.ts';
import { Payment } from './payment-model.ts';
import { WebhookEvent } from './webhook-event-model.ts';
import { EmailOutbox } from './email-outbox-model.ts';
import { PlanMembership } from './plan-membership-model.ts';
import { ReconciliationRun } from './reconciliation-run-model.ts';
import { Refund } from './refund-model.ts';
import { Dispute, DisputeAlert } from './dispute-model.ts';
import { WhopExperience } from './whop-experience-model.ts';

export interface Models {
  User: typeof User;
  Creator: typeof Creator;
  Student: typeof Student;
  UsageMetric: typeof UsageMetric;
  Video: typeof Video;
  Payment: typeof Payment;
  WebhookEvent: typeof WebhookEvent;
  EmailOutbox: typeof EmailOutbox;
  PlanMembership: typeof PlanMembership;
  ReconciliationRun: typeof ReconciliationRun;
  Refund: typeof Refund;
  Dispute: typeof Dispute;
  DisputeAlert: typeof DisputeAlert;
  WhopExperience: typeof WhopExperience;
}

export function initModels(sequelize: Sequelize): Models {
  const models: Models = {
    User: User.initModel(sequelize),
    Creator: Creator.initModel(sequelize),
    Student: Student.initModel(sequelize),
    UsageMetric: UsageMetric.initModel(sequelize),
    Video: Video.initModel(sequelize),
    Payment: Payment.initModel(sequelize),
    WebhookEvent: WebhookEvent.initModel(sequelize),
    EmailOutbox: EmailOutbox.initModel(sequelize),
    PlanMembership: PlanMembership.initModel(sequelize),
    ReconciliationRun: ReconciliationRun.initModel(sequelize),
    Refund: Refund.initModel(sequelize),
    Dispute: Dispute.initModel(sequelize),
    DisputeAlert: DisputeAlert.initModel(sequelize),
    WhopExperience: WhopExperience.initModel(sequelize),
  };
  const cascade = { onDelete: 'CASCADE' } as const;
  User.hasMany(Creator, { foreignKey: 'ownerUserId', as: 'creators' });
  Creator.belongsTo(User, { foreignKey: 'ownerUserId', as: 'owner' });
  Creator.hasMany(Student, { foreignKey: 'creatorId', as: 'students', ...cascade });
  Student.belongsTo(Creator, { foreignKey: 'creatorId', as: 'creator' });
  Creator.hasMany(UsageMetric, { foreignKey: 'creatorId', as: 'usageMetrics', ...cascade });
  UsageMetric.belongsTo(Creator, { foreignKey: 'creatorId', as: 'creator' });
  Creator.hasMany(Video, { foreignKey: 'creatorId', as: 'videos', ...cascade });
  Video.belongsTo(Creator, { foreignKey: 'creatorId', as: 'creator' });
  Creator.hasMany(Payment, { foreignKey: 'creatorId', as: 'payments' });
  Payment.belongsTo(Creator, { foreignKey: 'creatorId', as: 'creator' });
  return models;
}
