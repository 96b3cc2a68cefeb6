import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `quota_accounts`. */
export class QuotaAccount extends Model {
  declare userId: number;
  declare balance: string;
  declare frozen: string;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof QuotaAccount {
    return QuotaAccount.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        balance: { type: DataTypes.DECIMAL(16, 2), allowNull: false, defaultValue: '0' },
        frozen: { type: DataTypes.DECIMAL(16, 2), allowNull: false, defaultValue: '0' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'quota_accounts', modelName: 'quota_accounts', timestamps: true, createdAt: false, updatedAt: 'updatedAt', underscored: true },
    );
  }
}
