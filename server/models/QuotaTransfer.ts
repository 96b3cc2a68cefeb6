import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `quota_transfers`. */
export class QuotaTransfer extends Model {
  declare id: number;
  declare fromUserId: number;
  declare toUserId: number;
  declare amount: string;
  /** Set only when status is 'partial': the part of `amount` that reached the recipient. */
  declare approvedAmount: string | null;
  declare status: string;
  declare holdReason: string | null;
  /** 'transfer', or 'recharge': an agent admin's recharge of their agent held for review (the same review, the same books). */
  declare kind: 'transfer' | 'recharge';
  declare memo: string | null;
  declare reviewerId: number | null;
  declare reviewOpinion: string | null;
  declare reviewedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof QuotaTransfer {
    return QuotaTransfer.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        fromUserId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'from_user_id' },
        toUserId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'to_user_id' },
        amount: { type: DataTypes.DECIMAL(16, 2), allowNull: false },
        approvedAmount: { type: DataTypes.DECIMAL(16, 2), field: 'approved_amount' },
        status: { type: DataTypes.STRING(16), allowNull: false },
        holdReason: { type: DataTypes.STRING(32), field: 'hold_reason' },
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'transfer' },
        memo: { type: DataTypes.TEXT },
        reviewerId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'reviewer_id' },
        reviewOpinion: { type: DataTypes.TEXT, field: 'review_opinion' },
        reviewedAt: { type: DataTypes.DATE, field: 'reviewed_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'quota_transfers', modelName: 'quota_transfers', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
