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

export class Video extends Model<InferAttributes<Video>, InferCreationAttributes<Video>> {
  declare id: CreationOptional<number>;
  declare creatorId: ForeignKey<Creator['id']>;
  declare title: string;
  declare sizeBytes: number;
  declare durationSeconds: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Video {
    return Video.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        title: { type: DataTypes.TEXT, allowNull: false },
        sizeBytes: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: Model) {
            return Number(this.getDataValue('sizeBytes'));
          },
        },
        durationSeconds: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'videos', underscored: true },
    );
  }
}
