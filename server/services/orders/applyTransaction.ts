import type { Transaction } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { NO_EXPIRY } from '../../lib/chinaTime.js';
import { logger } from '../../logger.js';
import { Order, WechatPayment } from '../../models/index.js';
import type { PayTransaction } from '../../wechat/index.js';
import { creditPoints } from '../points/creditPoints.js';
import { PointsOperation } from '../points/operations.js';
import { amountToFen, OrderStatus } from './orderStatus.js';
import { queuePaymentSuccessMessage } from './paymentMessage.js';

export type PaymentSource = 'notify' | 'query';

export class PaymentMismatchError extends AppError {
  constructor(reason: string, message: string) {
    super(400, 6401, reason, message);
  }
}

/**
 * The ONE place a WeChat transaction changes an order. Under the order's row lock: a SUCCESS that
 * matches our app id, merchant id, order number and amount marks the order paid and credits its
 * points (package points + bonus) as one lot — once, however many notifications and queries
 * arrive (the second sees status "paid"; the lot's unique order_id backs that up). A mismatch is
 * refused and nothing changes. Returns the order after the change.
 *
 * Only the call that credited queues the "支付成功" subscribe message, and only once its
 * transaction has committed: WeChat is never called while the money is locked, and a rolled-back
 * credit never announces anything.
 */
export async function applyTransaction(
  tx: PayTransaction,
  expected: { appId: string; mchId: string },
  source: PaymentSource,
  meta: { notificationId?: string; raw: unknown },
): Promise<Order> {
  let credited = false;
  const order = await inTransaction(async (t) => {
    credited = false; // a retried transaction starts over
    const order = await Order.findOne({ where: { orderNo: tx.out_trade_no }, transaction: t, lock: t.LOCK.UPDATE });
    if (!order) throw new PaymentMismatchError('PAYMENT_UNKNOWN_ORDER', `未知订单 ${tx.out_trade_no}`);
    if (tx.trade_state !== 'SUCCESS') {
      await record(order, tx, source, meta, t);
      return order;
    }
    if (tx.mchid !== expected.mchId) throw mismatch(order, 'PAYMENT_MCHID_MISMATCH', '商户号不匹配', tx);
    if (tx.appid !== expected.appId) throw mismatch(order, 'PAYMENT_APPID_MISMATCH', 'AppID 不匹配', tx);
    if (tx.amount?.total !== amountToFen(order.totalAmount)) throw mismatch(order, 'PAYMENT_AMOUNT_MISMATCH', '支付金额与订单不符', tx);
    if (order.paymentStatus === OrderStatus.paid || order.paymentStatus === OrderStatus.refunded) return order;
    await record(order, tx, source, meta, t);
    await markPaidAndCredit(order, tx, t);
    credited = true;
    return order;
  });
  if (credited) await queuePaymentSuccessMessage(order.id);
  return order;
}

function mismatch(order: Order, reason: string, message: string, tx: PayTransaction): PaymentMismatchError {
  logger().error({ orderNo: order.orderNo, reason, wx: { appid: tx.appid, mchid: tx.mchid, amount: tx.amount } }, 'WeChat transaction does not match the order');
  return new PaymentMismatchError(reason, message);
}

async function record(order: Order, tx: PayTransaction, source: PaymentSource, meta: { notificationId?: string; raw: unknown }, t: Transaction) {
  await WechatPayment.create(
    {
      orderId: order.id,
      source,
      notificationId: meta.notificationId ?? null,
      transactionId: tx.transaction_id ?? null,
      tradeState: tx.trade_state,
      amountTotal: tx.amount?.total ?? null,
      payerTotal: tx.amount?.payer_total ?? null,
      raw: meta.raw,
    },
    { transaction: t },
  );
}

async function markPaidAndCredit(order: Order, tx: PayTransaction, t: Transaction): Promise<void> {
  const paidAt = tx.success_time ? new Date(tx.success_time) : new Date();
  // An order closed on our side can still be paid at WeChat in the last moment: the money is real.
  await order.update(
    {
      paymentStatus: OrderStatus.paid,
      paidAt: Number.isNaN(paidAt.getTime()) ? new Date() : paidAt,
      closedAt: null,
      wxTransactionId: tx.transaction_id ?? null,
      wxPayerOpenid: tx.payer?.openid ?? null,
      wxAppid: tx.appid,
      wxMchid: tx.mchid,
    },
    { transaction: t },
  );
  await creditPoints(
    {
      userId: order.userId,
      points: order.points + order.bonusPoints,
      source: 'purchase',
      orderId: order.id,
      expiresAt: order.pointsExpireAt ?? NO_EXPIRY,
      operationType: PointsOperation.purchase,
      memo: order.bonusPoints ? `购买积分 ${order.points} + 赠送 ${order.bonusPoints}` : `购买积分 ${order.points}`,
    },
    t,
  );
}
