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

/** AI credits a creator used in one calendar month (UTC); `month` is the month's first day, `YYYY-MM-01`. */
export class UsageMetric extends Model<InferAttributes<UsageMetric>, InferCreationAttributes<UsageMetric>> {
  declare id: CreationOptional<number>;
  declare creatorId: ForeignKey<Creator['id']>;
  declare month: string;
  declare aiCreditsUsed: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof UsageMetric {
    return UsageMetric.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        month: { type: DataTypes.DATEONLY, allowNull: false },
        aiCreditsUsed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'usage_metrics', underscored: true },
    );
  }
}
