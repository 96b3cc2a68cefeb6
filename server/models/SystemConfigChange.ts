import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `system_config_changes`. */
export class SystemConfigChange extends Model {
  declare id: number;
  declare key: string;
  declare before: unknown | null;
  declare after: unknown;
  declare actorId: number | null;
  declare ip: string | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof SystemConfigChange {
    return SystemConfigChange.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        key: { type: DataTypes.STRING(64), allowNull: false, references: { model: 'system_configs', key: 'key' } },
        before: { type: DataTypes.JSONB },
        after: { type: DataTypes.JSONB, allowNull: false },
        actorId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'actor_id' },
        ip: { type: DataTypes.STRING(64) },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'system_config_changes', modelName: 'system_config_changes', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
