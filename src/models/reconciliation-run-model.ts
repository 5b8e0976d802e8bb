import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type ReconciliationTrigger = 'schedule' | 'admin' | 'onboarding';

/** One pass of re-reading memberships from Whop, and what it changed. */
export class ReconciliationRun extends Model<
  InferAttributes<ReconciliationRun>,
  InferCreationAttributes<ReconciliationRun>
> {
  declare id: CreationOptional<number>;
  declare trigger: ReconciliationTrigger;
  declare status: CreationOptional<'running' | 'succeeded' | 'failed'>;
  declare startedAt: CreationOptional<Date>;
  declare finishedAt: Date | null;
  declare summary: CreationOptional<Record<string, unknown>>;
  declare error: string | null;

  static initModel(sequelize: Sequelize): typeof ReconciliationRun {
    return ReconciliationRun.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        trigger: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'running' },
        startedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        finishedAt: { type: DataTypes.DATE, allowNull: true },
        summary: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        error: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: 'reconciliation_runs', underscored: true, timestamps: false },
    );
  }
}
