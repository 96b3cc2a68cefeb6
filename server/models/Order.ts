import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `meta_order`. */
export class Order extends Model {
  declare id: string;
  declare orderNo: string;
  declare userId: string;
  declare userName: string | null;
  declare productId: string;
  declare packageId: string | null;
  declare promotionId: string | null;
  declare originalAmount: string;
  declare discountAmount: string;
  declare totalAmount: string;
  declare points: number;
  declare bonusPoints: number;
  declare pointsExpireAt: Date | null;
  declare paymentStatus: number;
  declare wxAppid: string | null;
  declare wxMchid: string | null;
  declare wxPrepayId: string | null;
  declare wxTransactionId: string | null;
  declare wxPayerOpenid: string | null;
  declare refundReason: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;
  declare expiresAt: Date;
  declare paidAt: Date | null;
  declare closedAt: Date | null;
  declare refundedAt: Date | null;

  static initModel(sequelize: Sequelize): typeof Order {
    return Order.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        orderNo: { type: DataTypes.STRING(32), allowNull: false, field: 'order_no' },
        userId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_user', key: 'id' }, field: 'user_id' },
        userName: { type: DataTypes.STRING(100), field: 'user_name' },
        productId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_product', key: 'id' }, field: 'product_id' },
        packageId: { type: DataTypes.UUID, references: { model: 'rel_product_package', key: 'id' }, field: 'package_id' },
        promotionId: { type: DataTypes.UUID, references: { model: 'meta_promotion', key: 'id' }, field: 'promotion_id' },
        originalAmount: { type: DataTypes.DECIMAL(10, 2), allowNull: false, field: 'original_amount' },
        discountAmount: { type: DataTypes.DECIMAL(10, 2), allowNull: false, defaultValue: '0', field: 'discount_amount' },
        totalAmount: { type: DataTypes.DECIMAL(10, 2), allowNull: false, field: 'total_amount' },
        points: { type: DataTypes.INTEGER, allowNull: false },
        bonusPoints: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'bonus_points' },
        pointsExpireAt: { type: DataTypes.DATE, field: 'points_expire_at' },
        paymentStatus: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 0, field: 'payment_status' },
        wxAppid: { type: DataTypes.STRING(32), field: 'wx_appid' },
        wxMchid: { type: DataTypes.STRING(32), field: 'wx_mchid' },
        wxPrepayId: { type: DataTypes.STRING(128), field: 'wx_prepay_id' },
        wxTransactionId: { type: DataTypes.STRING(64), field: 'wx_transaction_id' },
        wxPayerOpenid: { type: DataTypes.STRING(128), field: 'wx_payer_openid' },
        refundReason: { type: DataTypes.TEXT, field: 'refund_reason' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
        expiresAt: { type: DataTypes.DATE, allowNull: false, field: 'expires_at' },
        paidAt: { type: DataTypes.DATE, field: 'paid_at' },
        closedAt: { type: DataTypes.DATE, field: 'closed_at' },
        refundedAt: { type: DataTypes.DATE, field: 'refunded_at' },
      },
      { sequelize, tableName: 'meta_order', modelName: 'meta_order', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
