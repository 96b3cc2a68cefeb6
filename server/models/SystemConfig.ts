import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `system_configs`. */
export class SystemConfig extends Model {
  declare key: string;
  declare configGroup: string;
  declare value: unknown;
  declare description: string | null;
  declare updatedBy: number | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof SystemConfig {
    return SystemConfig.init(
      {
        key: { type: DataTypes.STRING(64), primaryKey: true },
        configGroup: { type: DataTypes.STRING(16), allowNull: false, field: 'config_group' },
        value: { type: DataTypes.JSONB, allowNull: false },
        description: { type: DataTypes.TEXT },
        updatedBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'updated_by' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'system_configs', modelName: 'system_configs', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
