import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `daily_activity_stats`. */
export class DailyActivityStat extends Model {
  declare id: number;
  declare day: string;
  declare hour: number;
  declare userId: number;
  declare logins: number;
  declare operations: number;

  static initModel(sequelize: Sequelize): typeof DailyActivityStat {
    return DailyActivityStat.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        day: { type: DataTypes.DATEONLY, allowNull: false },
        hour: { type: DataTypes.SMALLINT, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        logins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        operations: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'daily_activity_stats', modelName: 'daily_activity_stats', timestamps: false },
    );
  }
}
