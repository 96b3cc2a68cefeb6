import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `quota_ledger`. */
export class QuotaLedgerEntry extends Model {
  declare id: number;
  declare userId: number;
  declare type: string;
  declare balanceDelta: string;
  declare frozenDelta: string;
  declare balanceAfter: string;
  declare frozenAfter: string;
  declare referenceType: string | null;
  declare referenceId: string | null;
  declare counterpartyId: number | null;
  declare actorId: number | null;
  declare memo: string | null;
  declare idempotencyKey: string | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof QuotaLedgerEntry {
    return QuotaLedgerEntry.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        type: { type: DataTypes.STRING(32), allowNull: false },
        balanceDelta: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'balance_delta' },
        frozenDelta: { type: DataTypes.DECIMAL(16, 2), allowNull: false, defaultValue: '0', field: 'frozen_delta' },
        balanceAfter: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'balance_after' },
        frozenAfter: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'frozen_after' },
        referenceType: { type: DataTypes.STRING(32), field: 'reference_type' },
        referenceId: { type: DataTypes.STRING(64), field: 'reference_id' },
        counterpartyId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'counterparty_id' },
        actorId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'actor_id' },
        memo: { type: DataTypes.TEXT },
        idempotencyKey: { type: DataTypes.STRING(128), field: 'idempotency_key' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'quota_ledger', modelName: 'quota_ledger', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
