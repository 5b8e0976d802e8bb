import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const WEBHOOK_EVENT_STATUSES = ['pending', 'processing', 'processed', 'skipped', 'ignored', 'dead'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/** The webhook inbox: one row per accepted delivery, keyed by its `webhook-id`. */
export class WebhookEvent extends Model<InferAttributes<WebhookEvent>, InferCreationAttributes<WebhookEvent>> {
  declare id: string;
  declare type: string;
  declare companyId: string | null;
  declare payload: Record<string, unknown>;
  declare status: CreationOptional<WebhookEventStatus>;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: CreationOptional<Date>;
  declare lockedUntil: Date | null;
  declare lastError: string | null;
  declare claimToken: CreationOptional<string | null>;
  /** What processing did (or why it skipped), shown to admins. */
  declare outcome: CreationOptional<string | null>;
  declare receivedAt: CreationOptional<Date>;
  declare processedAt: Date | null;

  static initModel(sequelize: Sequelize): typeof WebhookEvent {
    return WebhookEvent.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        type: { type: DataTypes.TEXT, allowNull: false },
        companyId: { type: DataTypes.TEXT, allowNull: true },
        payload: { type: DataTypes.JSONB, allowNull: false },
        status: {
          type: DataTypes.TEXT,
          allowNull: false,
          defaultValue: 'pending',
          validate: { isIn: [WEBHOOK_EVENT_STATUSES] },
        },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        lockedUntil: { type: DataTypes.DATE, allowNull: true },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        claimToken: { type: DataTypes.UUID, allowNull: true },
        outcome: { type: DataTypes.TEXT, allowNull: true },
        receivedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        processedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'webhook_events', underscored: true, timestamps: false },
    );
  }
}
