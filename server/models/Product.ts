import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `meta_product`. */
export class Product extends Model {
  declare id: string;
  declare name: string;
  declare productType: number;
  declare pointAmount: number;
  declare originalPrice: string;
  declare salePrice: string;
  declare currency: string;
  declare expireTime: Date;
  declare status: number;
  declare sort: number;
  declare pointsValidityDays: number | null;
  declare description: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Product {
    return Product.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        name: { type: DataTypes.STRING(100), allowNull: false },
        productType: { type: DataTypes.SMALLINT, allowNull: false, field: 'product_type' },
        pointAmount: { type: DataTypes.INTEGER, allowNull: false, field: 'point_amount' },
        originalPrice: { type: DataTypes.DECIMAL(10, 2), allowNull: false, field: 'original_price' },
        salePrice: { type: DataTypes.DECIMAL(10, 2), allowNull: false, field: 'sale_price' },
        currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'CNY' },
        expireTime: { type: DataTypes.DATE, allowNull: false, field: 'expire_time' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        sort: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 0 },
        pointsValidityDays: { type: DataTypes.INTEGER, field: 'points_validity_days' },
        description: { type: DataTypes.TEXT },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'meta_product', modelName: 'meta_product', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
