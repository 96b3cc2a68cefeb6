import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `system_logs`. */
export class SystemLog extends Model {
  declare id: number;
  declare level: string;
  declare source: string;
  declare message: string;
  declare context: unknown | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof SystemLog {
    return SystemLog.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        level: { type: DataTypes.STRING(8), allowNull: false },
        source: { type: DataTypes.STRING(64), allowNull: false },
        message: { type: DataTypes.TEXT, allowNull: false },
        context: { type: DataTypes.JSONB },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'system_logs', modelName: 'system_logs', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
