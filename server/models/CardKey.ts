import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `card_keys`. */
export class CardKey extends Model {
  declare id: number;
  declare code: string;
  declare batchId: number;
  declare projectId: number;
  declare agentId: number;
  declare status: string;
  declare durationDays: number | null;
  declare deviceId: string | null;
  declare deviceInfo: unknown | null;
  declare activatedAt: Date | null;
  declare expiresAt: Date | null;
  declare boundAt: Date | null;
  declare unbindCount: number;
  declare lastUnbindAt: Date | null;
  declare lastVerifiedAt: Date | null;
  declare sharedFlaggedAt: Date | null;
  declare redeemedBy: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof CardKey {
    return CardKey.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        code: { type: DataTypes.CHAR(19), allowNull: false },
        batchId: { type: DataTypes.BIGINT, allowNull: false, references: { model: 'card_key_batches', key: 'id' }, field: 'batch_id' },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'agent_id' },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'unused' },
        durationDays: { type: DataTypes.INTEGER, field: 'duration_days' },
        deviceId: { type: DataTypes.STRING(128), field: 'device_id' },
        deviceInfo: { type: DataTypes.JSONB, field: 'device_info' },
        activatedAt: { type: DataTypes.DATE, field: 'activated_at' },
        expiresAt: { type: DataTypes.DATE, field: 'expires_at' },
        boundAt: { type: DataTypes.DATE, field: 'bound_at' },
        unbindCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'unbind_count' },
        lastUnbindAt: { type: DataTypes.DATE, field: 'last_unbind_at' },
        lastVerifiedAt: { type: DataTypes.DATE, field: 'last_verified_at' },
        sharedFlaggedAt: { type: DataTypes.DATE, field: 'shared_flagged_at' },
        redeemedBy: { type: DataTypes.UUID, field: 'redeemed_by' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'card_keys', modelName: 'card_keys', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
