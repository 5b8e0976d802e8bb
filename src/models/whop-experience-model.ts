import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const EXPERIENCE_SOURCES = ['install', 'lookup', 'webhook'] as const;
export type ExperienceSource = (typeof EXPERIENCE_SOURCES)[number];

/**
 * A Whop experience of the Chronos app and the company it belongs to, recorded at install
 * (or on first lookup). `companyId` never changes once written (a database trigger refuses it).
 */
export class WhopExperience extends Model<InferAttributes<WhopExperience>, InferCreationAttributes<WhopExperience>> {
  declare experienceId: string;
  declare companyId: string;
  declare companyTitle: string;
  declare experienceName: string | null;
  declare source: ExperienceSource;
  declare recordedAt: Date;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof WhopExperience {
    return WhopExperience.init(
      {
        experienceId: { type: DataTypes.TEXT, primaryKey: true },
        companyId: { type: DataTypes.TEXT, allowNull: false },
        companyTitle: { type: DataTypes.TEXT, allowNull: false },
        experienceName: { type: DataTypes.TEXT, allowNull: true },
        source: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [EXPERIENCE_SOURCES] } },
        recordedAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'whop_experiences', underscored: true, createdAt: false },
    );
  }
}
