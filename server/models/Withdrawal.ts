import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `withdrawals`. */
export class Withdrawal extends Model {
  declare id: number;
  declare userId: number;
  declare amount: string;
  declare status: string;
  declare accountInfo: string | null;
  declare reviewerId: number | null;
  declare reviewOpinion: string | null;
  declare paymentReference: string | null;
  declare reviewedAt: Date | null;
  declare holdReason: string | null;
  declare approvedAmount: string | null;
  declare holdReviewerId: number | null;
  declare holdOpinion: string | null;
  declare holdReviewedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Withdrawal {
    return Withdrawal.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        amount: { type: DataTypes.DECIMAL(16, 2), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        accountInfo: { type: DataTypes.TEXT, field: 'account_info' },
        reviewerId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'reviewer_id' },
        reviewOpinion: { type: DataTypes.TEXT, field: 'review_opinion' },
        paymentReference: { type: DataTypes.STRING(128), field: 'payment_reference' },
        reviewedAt: { type: DataTypes.DATE, field: 'reviewed_at' },
        holdReason: { type: DataTypes.STRING(32), field: 'hold_reason' },
        approvedAmount: { type: DataTypes.DECIMAL(16, 2), field: 'approved_amount' },
        holdReviewerId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'hold_reviewer_id' },
        holdOpinion: { type: DataTypes.TEXT, field: 'hold_opinion' },
        holdReviewedAt: { type: DataTypes.DATE, field: 'hold_reviewed_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'withdrawals', modelName: 'withdrawals', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
