import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `api_call_logs`. */
export class ApiCallLog extends Model {
  declare id: number;
  declare method: string;
  declare path: string;
  declare status: number;
  declare durationMs: number;
  declare projectId: number | null;
  declare miniUserId: string | null;
  declare ip: string | null;
  declare requestId: string | null;
  declare errorCode: string | null;
  declare apiKeyId: string | null;
  declare apiName: string | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof ApiCallLog {
    return ApiCallLog.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        method: { type: DataTypes.STRING(8), allowNull: false },
        path: { type: DataTypes.STRING(255), allowNull: false },
        status: { type: DataTypes.INTEGER, allowNull: false },
        durationMs: { type: DataTypes.INTEGER, allowNull: false, field: 'duration_ms' },
        projectId: { type: DataTypes.INTEGER, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        miniUserId: { type: DataTypes.UUID, field: 'mini_user_id' },
        ip: { type: DataTypes.STRING(64) },
        requestId: { type: DataTypes.STRING(64), field: 'request_id' },
        errorCode: { type: DataTypes.STRING(32), field: 'error_code' },
        apiKeyId: { type: DataTypes.UUID, field: 'api_key_id' },
        apiName: { type: DataTypes.STRING(100), field: 'api_name' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'api_call_logs', modelName: 'api_call_logs', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
