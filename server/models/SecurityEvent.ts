import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `security_events`: the security log (安全日志) of account anomalies. */
export class SecurityEvent extends Model {
  declare id: number;
  declare userId: number | null;
  declare kind: string;
  declare ip: string | null;
  declare userAgent: string | null;
  declare details: unknown | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof SecurityEvent {
    return SecurityEvent.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        kind: { type: DataTypes.STRING(32), allowNull: false },
        ip: { type: DataTypes.STRING(64) },
        userAgent: { type: DataTypes.STRING(1000), field: 'user_agent' },
        details: { type: DataTypes.JSONB },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'security_events', modelName: 'security_events', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
