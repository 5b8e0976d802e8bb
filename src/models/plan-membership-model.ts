import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A membership of Chronos's own products (a creator's plan), as last seen from Whop. */
export class PlanMembership extends Model<InferAttributes<PlanMembership>, InferCreationAttributes<PlanMembership>> {
  declare whopMembershipId: string;
  declare whopUserId: string;
  declare whopProductId: string;
  declare whopPlanId: string | null;
  declare status: string;
  declare renewalPeriodEnd: Date | null;
  declare cancelAtPeriodEnd: boolean;
  declare whopUpdatedAt: Date;
  /** Whop's page where the creator changes or cancels this plan (http(s) only). */
  declare manageUrl: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof PlanMembership {
    return PlanMembership.init(
      {
        whopMembershipId: { type: DataTypes.TEXT, primaryKey: true },
        whopUserId: { type: DataTypes.TEXT, allowNull: false },
        whopProductId: { type: DataTypes.TEXT, allowNull: false },
        whopPlanId: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false },
        renewalPeriodEnd: { type: DataTypes.DATE, allowNull: true },
        cancelAtPeriodEnd: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        whopUpdatedAt: { type: DataTypes.DATE, allowNull: false },
        manageUrl: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'plan_memberships', underscored: true },
    );
  }
}
