import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `rel_product_package`. */
export class Package extends Model {
  declare id: string;
  declare name: string;
  declare productId: string;
  declare promotionId: string | null;
  declare packagePrice: string;
  declare totalPoints: number;
  declare isHot: boolean;
  declare sort: number;
  declare expireTime: Date;
  declare status: number;
  declare description: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Package {
    return Package.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        name: { type: DataTypes.STRING(100), allowNull: false },
        productId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_product', key: 'id' }, field: 'product_id' },
        promotionId: { type: DataTypes.UUID, references: { model: 'meta_promotion', key: 'id' }, field: 'promotion_id' },
        packagePrice: { type: DataTypes.DECIMAL(10, 2), allowNull: false, field: 'package_price' },
        totalPoints: { type: DataTypes.INTEGER, allowNull: false, field: 'total_points' },
        isHot: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false, field: 'is_hot' },
        sort: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 0 },
        expireTime: { type: DataTypes.DATE, allowNull: false, field: 'expire_time' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        description: { type: DataTypes.TEXT },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'rel_product_package', modelName: 'rel_product_package', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
