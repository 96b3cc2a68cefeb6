import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `login_logs`. */
export class LoginLog extends Model {
  declare id: number;
  declare username: string;
  declare userId: number | null;
  declare ip: string | null;
  declare userAgent: string | null;
  declare success: boolean;
  declare reason: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof LoginLog {
    return LoginLog.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        userId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        ip: { type: DataTypes.STRING(64) },
        userAgent: { type: DataTypes.TEXT, field: 'user_agent' },
        success: { type: DataTypes.BOOLEAN, allowNull: false },
        reason: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'login_logs', modelName: 'login_logs', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
