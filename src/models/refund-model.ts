import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const REFUND_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** A Whop refund as last reported; `amount` is exact decimal text in major units. */
export class Refund extends Model<InferAttributes<Refund>, InferCreationAttributes<Refund>> {
  declare id: CreationOptional<number>;
  declare whopRefundId: string;
  declare whopPaymentId: string | null;
  declare amount: string;
  declare currency: string;
  declare status: RefundStatus;
  declare whopCreatedAt: Date | null;
  declare eventAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Refund {
    return Refund.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopRefundId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        whopPaymentId: { type: DataTypes.TEXT, allowNull: true },
        amount: { type: DataTypes.DECIMAL, allowNull: false },
        currency: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [REFUND_STATUSES] } },
        whopCreatedAt: { type: DataTypes.DATE, allowNull: true },
        eventAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'refunds', underscored: true },
    );
  }
}
