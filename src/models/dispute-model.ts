import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Creator } from './creator-model.ts';

/** A Whop dispute (chargeback) as last reported; `amount` is exact decimal text in major units. */
export class Dispute extends Model<InferAttributes<Dispute>, InferCreationAttributes<Dispute>> {
  declare id: CreationOptional<number>;
  declare whopDisputeId: string;
  declare whopPaymentId: string | null;
  declare whopCompanyId: string | null;
  declare creatorId: ForeignKey<Creator['id']> | null;
  declare amount: string;
  declare currency: string;
  declare status: string;
  declare reason: string | null;
  declare needsResponseBy: Date | null;
  declare whopCreatedAt: Date | null;
  declare eventAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Dispute {
    return Dispute.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopDisputeId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        whopPaymentId: { type: DataTypes.TEXT, allowNull: true },
        whopCompanyId: { type: DataTypes.TEXT, allowNull: true },
        amount: { type: DataTypes.DECIMAL, allowNull: false },
        currency: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        reason: { type: DataTypes.TEXT, allowNull: true },
        needsResponseBy: { type: DataTypes.DATE, allowNull: true },
        whopCreatedAt: { type: DataTypes.DATE, allowNull: true },
        eventAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'disputes', underscored: true },
    );
  }
}

/** A Whop dispute alert (`dispute_alert.created`): an early warning, recorded once. */
export class DisputeAlert extends Model<InferAttributes<DisputeAlert>, InferCreationAttributes<DisputeAlert>> {
  declare id: CreationOptional<number>;
  declare whopAlertId: string;
  declare alertType: string;
  declare whopPaymentId: string | null;
  declare whopDisputeId: string | null;
  declare whopCompanyId: string | null;
  declare amount: string | null;
  declare currency: string | null;
  declare whopCreatedAt: Date | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof DisputeAlert {
    return DisputeAlert.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopAlertId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        alertType: { type: DataTypes.TEXT, allowNull: false },
        whopPaymentId: { type: DataTypes.TEXT, allowNull: true },
        whopDisputeId: { type: DataTypes.TEXT, allowNull: true },
        whopCompanyId: { type: DataTypes.TEXT, allowNull: true },
        amount: { type: DataTypes.DECIMAL, allowNull: true },
        currency: { type: DataTypes.TEXT, allowNull: true },
        whopCreatedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'dispute_alerts', underscored: true, updatedAt: false },
    );
  }
}
