import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `daily_points_stats`. */
export class DailyPointsStat extends Model {
  declare id: number;
  declare day: string;
  declare operationType: number;
  declare points: number;
  declare records: number;
  declare users: number;

  static initModel(sequelize: Sequelize): typeof DailyPointsStat {
    return DailyPointsStat.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        day: { type: DataTypes.DATEONLY, allowNull: false },
        operationType: { type: DataTypes.SMALLINT, allowNull: false, field: 'operation_type' },
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        records: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        users: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'daily_points_stats', modelName: 'daily_points_stats', timestamps: false },
    );
  }
}
