import { DataTypes, Model, type Sequelize } from 'sequelize';

/** 'generating' while the worker creates the keys of a large batch; 'failed' is refunded in full. */
export type CardKeyBatchStatus = 'generating' | 'completed' | 'failed' | 'disabled';

/** Table `card_key_batches`. */
export class CardKeyBatch extends Model {
  declare id: number;
  declare projectId: number;
  declare agentId: number;
  declare createdBy: number | null;
  declare validityLabel: string;
  declare durationDays: number | null;
  declare unitPrice: string;
  declare count: number;
  declare totalCost: string;
  declare status: CardKeyBatchStatus;
  declare progress: number;
  declare error: string | null;
  declare refundedCount: number;
  declare memo: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof CardKeyBatch {
    return CardKeyBatch.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'agent_id' },
        createdBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'created_by' },
        validityLabel: { type: DataTypes.STRING(32), allowNull: false, field: 'validity_label' },
        durationDays: { type: DataTypes.INTEGER, field: 'duration_days' },
        unitPrice: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'unit_price' },
        count: { type: DataTypes.INTEGER, allowNull: false },
        totalCost: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'total_cost' },
        status: { type: DataTypes.STRING(16), allowNull: false },
        progress: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        error: { type: DataTypes.TEXT },
        refundedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'refunded_count' },
        memo: { type: DataTypes.TEXT },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'card_key_batches', modelName: 'card_key_batches', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
