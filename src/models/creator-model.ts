import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Tier } from '../domain/tier-table.ts';
import type { User } from './user-model.ts';

export const BILLING_STATUSES = ['ok', 'past_due'] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];
/** Whether Whop lets the app read the company (403 = the app is not installed there). */
export type CreatorConnection = 'connected' | 'disconnected';
/** Whether the owner is still an admin of the company on Whop. */
export type OwnerAccess = 'admin' | 'revoked';

export class Creator extends Model<InferAttributes<Creator>, InferCreationAttributes<Creator>> {
  declare id: CreationOptional<number>;
  declare whopCompanyId: string;
  declare companyName: string | null;
  declare ownerUserId: ForeignKey<User['id']>;
  declare tier: CreationOptional<Tier>;
  declare tierSourceMembershipId: string | null;
  declare tierUpdatedAt: Date | null;
  declare tierRenewsAt: CreationOptional<Date | null>;
  declare tierCancelAtPeriodEnd: CreationOptional<boolean>;
  declare billingStatus: CreationOptional<BillingStatus>;
  declare gracePeriodEndsAt: Date | null;
  declare connection: CreationOptional<CreatorConnection>;
  declare disconnectedAt: CreationOptional<Date | null>;
  declare ownerAccess: CreationOptional<OwnerAccess>;
  declare ownerAccessCheckedAt: CreationOptional<Date | null>;
  declare ownerRevokedAt: CreationOptional<Date | null>;
  declare previousOwnerUserId: CreationOptional<number | null>;
  declare ownerChangedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Creator {
    return Creator.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopCompanyId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        companyName: { type: DataTypes.TEXT, allowNull: true },
        tier: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'free' },
        tierSourceMembershipId: { type: DataTypes.TEXT, allowNull: true },
        tierUpdatedAt: { type: DataTypes.DATE, allowNull: true },
        tierRenewsAt: { type: DataTypes.DATE, allowNull: true },
        tierCancelAtPeriodEnd: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        billingStatus: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'ok' },
        gracePeriodEndsAt: { type: DataTypes.DATE, allowNull: true },
        connection: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'connected' },
        disconnectedAt: { type: DataTypes.DATE, allowNull: true },
        ownerAccess: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'admin' },
        ownerAccessCheckedAt: { type: DataTypes.DATE, allowNull: true },
        ownerRevokedAt: { type: DataTypes.DATE, allowNull: true },
        previousOwnerUserId: { type: DataTypes.INTEGER, allowNull: true },
        ownerChangedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'creators', underscored: true },
    );
  }
}
