import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `callback_deliveries`. */
export class CallbackDelivery extends Model {
  declare id: number;
  declare projectId: number;
  declare cardKeyId: number | null;
  declare event: string;
  declare url: string;
  declare payload: unknown;
  declare status: string;
  declare attempts: number;
  declare lastStatusCode: number | null;
  declare lastError: string | null;
  declare deliveredAt: Date | null;
  declare attemptStartedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof CallbackDelivery {
    return CallbackDelivery.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        cardKeyId: { type: DataTypes.BIGINT, references: { model: 'card_keys', key: 'id' }, field: 'card_key_id' },
        event: { type: DataTypes.STRING(32), allowNull: false },
        url: { type: DataTypes.STRING(2048), allowNull: false },
        payload: { type: DataTypes.JSONB, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastStatusCode: { type: DataTypes.INTEGER, field: 'last_status_code' },
        lastError: { type: DataTypes.TEXT, field: 'last_error' },
        attemptStartedAt: { type: DataTypes.DATE, field: 'attempt_started_at' },
        deliveredAt: { type: DataTypes.DATE, field: 'delivered_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'callback_deliveries', modelName: 'callback_deliveries', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
