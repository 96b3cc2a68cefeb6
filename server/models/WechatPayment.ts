import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `wechat_payments`. */
export class WechatPayment extends Model {
  declare id: number;
  declare orderId: string;
  declare source: string;
  declare notificationId: string | null;
  declare transactionId: string | null;
  declare tradeState: string;
  declare amountTotal: number | null;
  declare payerTotal: number | null;
  declare raw: unknown;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof WechatPayment {
    return WechatPayment.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        orderId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_order', key: 'id' }, field: 'order_id' },
        source: { type: DataTypes.STRING(16), allowNull: false },
        notificationId: { type: DataTypes.STRING(64), field: 'notification_id' },
        transactionId: { type: DataTypes.STRING(64), field: 'transaction_id' },
        tradeState: { type: DataTypes.STRING(32), allowNull: false, field: 'trade_state' },
        amountTotal: { type: DataTypes.INTEGER, field: 'amount_total' },
        payerTotal: { type: DataTypes.INTEGER, field: 'payer_total' },
        raw: { type: DataTypes.JSONB, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'wechat_payments', modelName: 'wechat_payments', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
