import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `purchase_record`. */
export class PurchaseRecord extends Model {
  declare id: string;
  declare userId: string;
  declare orderId: string | null;
  declare apiKeyId: string | null;
  declare lotId: string | null;
  declare cardKeyId: number | null;
  declare meteringServiceId: number | null;
  declare requestId: string | null;
  declare apiName: string | null;
  declare apiPath: string | null;
  declare pointsChange: number;
  declare remainingPoints: number;
  declare operationType: number;
  declare actorAdminId: number | null;
  declare memo: string | null;
  declare expireTime: Date;
  declare createdAt: Date;
  /** Write order of a user's ledger (identity column; rows in one transaction share a timestamp). */
  declare seq: number;

  static initModel(sequelize: Sequelize): typeof PurchaseRecord {
    return PurchaseRecord.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_user', key: 'id' }, field: 'user_id' },
        orderId: { type: DataTypes.UUID, references: { model: 'meta_order', key: 'id' }, field: 'order_id' },
        apiKeyId: { type: DataTypes.UUID, references: { model: 'meta_auth_key', key: 'id' }, field: 'api_key_id' },
        lotId: { type: DataTypes.UUID, references: { model: 'points_lots', key: 'id' }, field: 'lot_id' },
        cardKeyId: { type: DataTypes.BIGINT, references: { model: 'card_keys', key: 'id' }, field: 'card_key_id' },
        meteringServiceId: { type: DataTypes.INTEGER, references: { model: 'metering_services', key: 'id' }, field: 'metering_service_id' },
        requestId: { type: DataTypes.STRING(128), field: 'request_id' },
        apiName: { type: DataTypes.STRING(100), field: 'api_name' },
        apiPath: { type: DataTypes.STRING(255), field: 'api_path' },
        pointsChange: { type: DataTypes.INTEGER, allowNull: false, field: 'points_change' },
        remainingPoints: { type: DataTypes.INTEGER, allowNull: false, field: 'remaining_points' },
        operationType: { type: DataTypes.SMALLINT, allowNull: false, field: 'operation_type' },
        actorAdminId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'actor_admin_id' },
        memo: { type: DataTypes.TEXT },
        expireTime: { type: DataTypes.DATE, allowNull: false, field: 'expire_time' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        seq: { type: DataTypes.BIGINT, field: 'seq' },
      },
      { sequelize, tableName: 'purchase_record', modelName: 'purchase_record', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
