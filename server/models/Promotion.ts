import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `meta_promotion`. */
export class Promotion extends Model {
  declare id: string;
  declare name: string;
  declare promoType: number;
  declare discountRate: string | null;
  declare minAmount: string | null;
  declare reduceAmount: string | null;
  declare bonusPoints: number;
  declare startTime: Date;
  declare endTime: Date;
  declare applicableProducts: unknown;
  declare status: number;
  declare memo: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Promotion {
    return Promotion.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        name: { type: DataTypes.STRING(100), allowNull: false },
        promoType: { type: DataTypes.SMALLINT, allowNull: false, field: 'promo_type' },
        discountRate: { type: DataTypes.DECIMAL(5, 2), field: 'discount_rate' },
        minAmount: { type: DataTypes.DECIMAL(10, 2), field: 'min_amount' },
        reduceAmount: { type: DataTypes.DECIMAL(10, 2), field: 'reduce_amount' },
        bonusPoints: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'bonus_points' },
        startTime: { type: DataTypes.DATE, allowNull: false, field: 'start_time' },
        endTime: { type: DataTypes.DATE, allowNull: false, field: 'end_time' },
        applicableProducts: { type: DataTypes.JSONB, allowNull: false, defaultValue: [], field: 'applicable_products' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 0 },
        memo: { type: DataTypes.TEXT },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'meta_promotion', modelName: 'meta_promotion', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
