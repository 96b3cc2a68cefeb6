import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `daily_card_key_stats`. */
export class DailyCardKeyStat extends Model {
  declare id: number;
  declare day: string;
  declare projectId: number;
  declare agentId: number;
  declare generated: number;
  declare activated: number;
  declare verified: number;
  declare expired: number;
  declare disabled: number;

  static initModel(sequelize: Sequelize): typeof DailyCardKeyStat {
    return DailyCardKeyStat.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        day: { type: DataTypes.DATEONLY, allowNull: false },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'agent_id' },
        generated: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        activated: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        verified: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        expired: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        disabled: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'daily_card_key_stats', modelName: 'daily_card_key_stats', timestamps: false },
    );
  }
}
