import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `points_lots`. */
export class PointsLot extends Model {
  declare id: string;
  declare userId: string;
  declare source: string;
  declare orderId: string | null;
  declare cardKeyId: number | null;
  declare points: number;
  declare remaining: number;
  declare expiresAt: Date;
  declare expiredAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof PointsLot {
    return PointsLot.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_user', key: 'id' }, field: 'user_id' },
        source: { type: DataTypes.STRING(16), allowNull: false },
        orderId: { type: DataTypes.UUID, references: { model: 'meta_order', key: 'id' }, field: 'order_id' },
        cardKeyId: { type: DataTypes.BIGINT, references: { model: 'card_keys', key: 'id' }, field: 'card_key_id' },
        points: { type: DataTypes.INTEGER, allowNull: false },
        remaining: { type: DataTypes.INTEGER, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false, field: 'expires_at' },
        expiredAt: { type: DataTypes.DATE, field: 'expired_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'points_lots', modelName: 'points_lots', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
