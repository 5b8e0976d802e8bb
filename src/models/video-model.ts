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

/**
 * `uploading`: reserved, bytes arriving; `ready`: stored and probed, playable; `failed`: counts for nothing, `failure`
 * says why.
 */
export const VIDEO_STATUSES = ['uploading', 'ready', 'failed'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

export class Video extends Model<InferAttributes<Video>, InferCreationAttributes<Video>> {
  declare id: CreationOptional<number>;
  declare creatorId: ForeignKey<Creator['id']>;
  declare title: string;
  /** While uploading, the declared Upload-Length (the reservation); once ready, the bytes stored. */
  declare sizeBytes: number;
  declare durationSeconds: CreationOptional<number | null>;
  declare status: CreationOptional<VideoStatus>;
  /** The tus upload id (unguessable); null for rows that never had an upload. */
  declare uploadId: CreationOptional<string | null>;
  /** Where the bytes are in the media storage (disk or S3). */
  declare storageKey: CreationOptional<string | null>;
  declare mimeType: CreationOptional<string | null>;
  declare width: CreationOptional<number | null>;
  declare height: CreationOptional<number | null>;
  declare codec: CreationOptional<string | null>;
  /** Order in the creator's library, ascending (ties by id). */
  declare position: CreationOptional<number>;
  declare failure: CreationOptional<string | null>;
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
        durationSeconds: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'uploading' },
        uploadId: { type: DataTypes.TEXT, allowNull: true },
        storageKey: { type: DataTypes.TEXT, allowNull: true },
        mimeType: { type: DataTypes.TEXT, allowNull: true },
        width: { type: DataTypes.INTEGER, allowNull: true },
        height: { type: DataTypes.INTEGER, allowNull: true },
        codec: { type: DataTypes.TEXT, allowNull: true },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        failure: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'videos', underscored: true },
    );
  }
}
