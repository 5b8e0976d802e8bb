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

export const STUDENT_STATUSES = ['active', 'over_limit', 'inactive', 'archived'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export class Student extends Model<InferAttributes<Student>, InferCreationAttributes<Student>> {
  declare id: CreationOptional<number>;
  declare creatorId: ForeignKey<Creator['id']>;
  declare whopUserId: string;
  declare username: CreationOptional<string | null>;
  declare whopMembershipId: string | null;
  declare whopProductId: string | null;
  declare status: StudentStatus;
  declare membershipStatus: string | null;
  declare membershipUpdatedAt: Date | null;
  declare whopMemberId: CreationOptional<string | null>;
  /** A `past_due` membership keeps access until then. */
  declare graceEndsAt: CreationOptional<Date | null>;
  /** Whop's page where the student renews the membership (the renew link when it has ended). */
  declare manageUrl: CreationOptional<string | null>;
  declare joinedAt: CreationOptional<Date>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Student {
    return Student.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopUserId: { type: DataTypes.TEXT, allowNull: false },
        username: { type: DataTypes.TEXT, allowNull: true },
        whopMembershipId: { type: DataTypes.TEXT, allowNull: true },
        whopProductId: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [STUDENT_STATUSES] } },
        membershipStatus: { type: DataTypes.TEXT, allowNull: true },
        membershipUpdatedAt: { type: DataTypes.DATE, allowNull: true },
        whopMemberId: { type: DataTypes.TEXT, allowNull: true },
        graceEndsAt: { type: DataTypes.DATE, allowNull: true },
        manageUrl: { type: DataTypes.TEXT, allowNull: true },
        joinedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'students', underscored: true },
    );
  }
}
