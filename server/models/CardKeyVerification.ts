import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `card_key_verifications`. */
export class CardKeyVerification extends Model {
  declare id: number;
  declare cardKeyId: number | null;
  declare projectId: number | null;
  declare agentId: number | null;
  declare code: string | null;
  declare deviceId: string | null;
  declare ip: string | null;
  declare result: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof CardKeyVerification {
    return CardKeyVerification.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        cardKeyId: { type: DataTypes.BIGINT, references: { model: 'card_keys', key: 'id' }, field: 'card_key_id' },
        projectId: { type: DataTypes.INTEGER, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, field: 'agent_id' },
        code: { type: DataTypes.STRING(64) },
        deviceId: { type: DataTypes.STRING(128), field: 'device_id' },
        ip: { type: DataTypes.STRING(64) },
        result: { type: DataTypes.STRING(32), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'card_key_verifications', modelName: 'card_key_verifications', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
