import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `banners`. */
export class Banner extends Model {
  declare id: number;
  declare title: string;
  declare imageUrl: string;
  declare imageMime: string | null;
  declare imageSize: number | null;
  declare linkUrl: string | null;
  declare sort: number;
  declare status: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Banner {
    return Banner.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        title: { type: DataTypes.STRING(100), allowNull: false },
        imageUrl: { type: DataTypes.STRING(1024), allowNull: false, field: 'image_url' },
        imageMime: { type: DataTypes.STRING(16), field: 'image_mime' },
        imageSize: { type: DataTypes.INTEGER, field: 'image_size' },
        linkUrl: { type: DataTypes.STRING(1024), field: 'link_url' },
        sort: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'banners', modelName: 'banners', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
