import { DataTypes, Model, type CreationOptional, type ForeignKey, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Creator } from './creator-model.ts';

export const PAYMENT_STATUSES = ['created', 'pending', 'succeeded', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A Whop payment. Money is an integer count of the currency's minor unit, never a float. */
export class Payment extends Model<InferAttributes<Payment>, InferCreationAttributes<Payment>> {
  declare id: CreationOptional<number>;
  declare whopPaymentId: string;
  declare creatorId: ForeignKey<Creator['id']> | null;
  declare whopCompanyId: string | null;
  declare whopUserId: string | null;
  declare whopMembershipId: string | null;
  declare whopProductId: string | null;
  declare amountMinor: number;
  declare currency: string;
  declare status: PaymentStatus;
  declare failureMessage: string | null;
  declare paidAt: Date | null;
  declare whopUpdatedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Payment {
    return Payment.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopPaymentId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        whopCompanyId: { type: DataTypes.TEXT, allowNull: true },
        whopUserId: { type: DataTypes.TEXT, allowNull: true },
        whopMembershipId: { type: DataTypes.TEXT, allowNull: true },
        whopProductId: { type: DataTypes.TEXT, allowNull: true },
        amountMinor: { type: DataTypes.BIGINT, allowNull: false, get(this: Model) { return Number(this.getDataValue('amountMinor')); } },
        currency: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [PAYMENT_STATUSES] } },
        failureMessage: { type: DataTypes.TEXT, allowNull: true },
        paidAt: { type: DataTypes.DATE, allowNull: true },
        whopUpdatedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'payments', underscored: true },
    );
  }
}
