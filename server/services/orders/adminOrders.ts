import { z } from 'zod';
import { authorize } from '../../policies/index.js';
import { inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { say } from '../../i18n.js';
import { parseInput, requiredText, type RawInput } from '../../lib/input.js';
import { Order, WechatPayment } from '../../models/index.js';
import { WechatError, wechatNotifyUrl, wechatPay } from '../../wechat/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { revokeOrderPoints } from '../points/revokeOrderPoints.js';
import { syncOrderWithWechat } from './syncOrder.js';
import { amountToFen, orderNotFound, OrderStatus, ORDER_STATUS_NAMES, orderStatusLabel } from './orderStatus.js';

type AdminActor = { id: number; role: string };

/** Admin "query WeChat now": applies whatever WeChat says about the order, audit-logged. */
export async function adminQueryWechat(input: { orderId: string; actor: AdminActor; ip?: string }): Promise<Order> {
  authorize(input.actor, 'queryWechat', 'meta_order');
  const before = await Order.findByPk(input.orderId);
  if (!before) throw orderNotFound();
  const after = await syncOrderWithWechat(input.orderId);
  await recordOperation({
    actor: input.actor,
    ownerId: null,
    action: 'order.query_wechat',
    resource: 'meta_order',
    recordId: after.id,
    before: { status: ORDER_STATUS_NAMES[before.paymentStatus] },
    after: { status: ORDER_STATUS_NAMES[after.paymentStatus] },
    ip: input.ip ?? null,
  });
  return after;
}

export const adminRefundOrderSchema = z.object({
  orderId: z.string().min(1),
  reason: requiredText(say('退款原因', 'a refund reason'), 200),
});

const notRefundable = (status: number) =>
  new AppError(409, 4411, 'ORDER_NOT_REFUNDABLE', say(`只有已支付的订单可以退款（当前：${orderStatusLabel(status)}）`, `Only a paid order can be refunded (now: ${ORDER_STATUS_NAMES[status] ?? status})`));

/**
 * Admin refund marking for a paid order: the full amount is refunded at WeChat (idempotent by
 * out_refund_no), then — in one transaction — what remains of the order's points lot is removed
 * (refund ledger row), the order becomes "refunded" and the decision is audit-logged.
 */
export async function adminRefundOrder(input: RawInput<typeof adminRefundOrderSchema> & { actor: AdminActor; ip?: string }) {
  authorize(input.actor, 'refund', 'meta_order');
  const order = await Order.findByPk(String(input.orderId));
  if (!order) throw orderNotFound();
  if (order.paymentStatus !== OrderStatus.paid) throw notRefundable(order.paymentStatus);
  const { reason } = parseInput(adminRefundOrderSchema, input);
  let refund: { refund_id: string; status: string };
  try {
    refund = await wechatPay().refund({
      outTradeNo: order.orderNo,
      outRefundNo: `RF${order.orderNo}`,
      refundFen: amountToFen(order.totalAmount),
      totalFen: amountToFen(order.totalAmount),
      reason: reason.slice(0, 80),
      notifyUrl: wechatNotifyUrl(),
    });
  } catch (err) {
    if (err instanceof WechatError) {
      throw new AppError(502, 6510, 'WECHAT_REFUND_FAILED', `微信退款失败：${err.wxCode}`);
    }
    throw err;
  }
  return inTransaction(async (t) => {
    const locked = await Order.findByPk(order.id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!locked) throw orderNotFound();
    if (locked.paymentStatus !== OrderStatus.paid) throw notRefundable(locked.paymentStatus);
    const revoked = await revokeOrderPoints(
      { userId: locked.userId, orderId: locked.id, actorAdminId: input.actor.id, memo: `订单退款：${reason}` },
      t,
    );
    await locked.update({ paymentStatus: OrderStatus.refunded, refundedAt: new Date(), refundReason: reason }, { transaction: t });
    await WechatPayment.create(
      {
        orderId: locked.id,
        source: 'refund',
        transactionId: locked.wxTransactionId,
        tradeState: `REFUND_${refund.status}`,
        amountTotal: amountToFen(locked.totalAmount),
        raw: refund,
      },
      { transaction: t },
    );
    await recordOperation(
      {
        actor: input.actor,
        ownerId: null,
        action: 'order.refund',
        resource: 'meta_order',
        recordId: locked.id,
        before: { status: 'paid' },
        after: { status: 'refunded', reason, pointsRemoved: revoked.removed, refundId: refund.refund_id },
        ip: input.ip ?? null,
      },
      t,
    );
    return { order: locked, pointsRemoved: revoked.removed, balance: revoked.balance, refundId: refund.refund_id };
  });
}
