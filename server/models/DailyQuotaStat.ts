import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `daily_quota_stats`. */
export class DailyQuotaStat extends Model {
  declare id: number;
  declare day: string;
  declare userId: number;
  declare type: string;
  declare amount: string;
  declare moves: number;

  static initModel(sequelize: Sequelize): typeof DailyQuotaStat {
    return DailyQuotaStat.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        day: { type: DataTypes.DATEONLY, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        type: { type: DataTypes.STRING(32), allowNull: false },
        amount: { type: DataTypes.DECIMAL(18, 2), allowNull: false, defaultValue: '0' },
        moves: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'daily_quota_stats', modelName: 'daily_quota_stats', timestamps: false },
    );
  }
}
