import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `operation_logs`. */
export class OperationLog extends Model {
  declare id: number;
  declare actorId: number | null;
  declare actorRole: string | null;
  declare ownerId: number | null;
  declare action: string;
  declare resource: string;
  declare recordId: string | null;
  declare before: unknown | null;
  declare after: unknown | null;
  declare ip: string | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof OperationLog {
    return OperationLog.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        actorId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'actor_id' },
        actorRole: { type: DataTypes.STRING(16), field: 'actor_role' },
        ownerId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'owner_id' },
        action: { type: DataTypes.STRING(64), allowNull: false },
        resource: { type: DataTypes.STRING(64), allowNull: false },
        recordId: { type: DataTypes.STRING(64), field: 'record_id' },
        before: { type: DataTypes.JSONB },
        after: { type: DataTypes.JSONB },
        ip: { type: DataTypes.STRING(64) },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'operation_logs', modelName: 'operation_logs', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
