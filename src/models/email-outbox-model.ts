import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const EMAIL_TEMPLATES = [
  'welcome',
  'expiration',
  'receipt',
  'payment_failed',
  'grace_period',
  'trial_ending',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];
export const EMAIL_STATUSES = ['pending', 'sent', 'dead'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** A mail to send, written in the same transaction as the change that causes it; `dedupeKey` makes it once-only. */
export class EmailOutbox extends Model<InferAttributes<EmailOutbox>, InferCreationAttributes<EmailOutbox>> {
  declare id: CreationOptional<number>;
  declare dedupeKey: string;
  declare template: EmailTemplate;
  declare toAddress: string;
  declare subject: string;
  declare payload: CreationOptional<Record<string, unknown>>;
  declare status: CreationOptional<EmailStatus>;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: CreationOptional<Date>;
  declare lockedUntil: Date | null;
  declare claimToken: CreationOptional<string | null>;
  declare lastError: string | null;
  declare sentAt: Date | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof EmailOutbox {
    return EmailOutbox.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        dedupeKey: { type: DataTypes.TEXT, allowNull: false, unique: true },
        template: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [EMAIL_TEMPLATES] } },
        toAddress: { type: DataTypes.TEXT, allowNull: false },
        subject: { type: DataTypes.TEXT, allowNull: false },
        payload: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        status: {
          type: DataTypes.TEXT,
          allowNull: false,
          defaultValue: 'pending',
          validate: { isIn: [EMAIL_STATUSES] },
        },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        lockedUntil: { type: DataTypes.DATE, allowNull: true },
        claimToken: { type: DataTypes.UUID, allowNull: true },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        sentAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'email_outbox', underscored: true, updatedAt: false },
    );
  }
}
