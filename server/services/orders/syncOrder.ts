import { Op } from 'sequelize';
import { z } from 'zod';
import { Order } from '../../models/index.js';
import { WechatError, wechatPay } from '../../wechat/index.js';
import { applyTransaction } from './applyTransaction.js';
import { OrderStatus, orderNotFound } from './orderStatus.js';
import { defineJob } from '../../queues/defineJob.js';

const CLOSED_AT_WECHAT = new Set(['CLOSED', 'REVOKED', 'PAYERROR']);

/**
 * Asks WeChat about an order and applies the answer: SUCCESS credits it (same path as a
 * notification), a closed transaction closes a pending order. Used by the polling endpoint,
 * the timeout worker and the admin's "query WeChat now".
 */
export async function syncOrderWithWechat(orderId: string): Promise<Order> {
  const order = await Order.findByPk(orderId);
  if (!order) throw orderNotFound();
  if (!order.wxPrepayId) return order;
  const client = wechatPay();
  const tx = await client.queryByOutTradeNo(order.orderNo);
  if (!tx) return order;
  if (tx.trade_state === 'SUCCESS') {
    return applyTransaction(tx, { appId: client.appId, mchId: client.mchId }, 'query', { raw: tx });
  }
  if (CLOSED_AT_WECHAT.has(tx.trade_state)) await markClosed(order.id);
  return (await Order.findByPk(orderId))!;
}

/** Pending → closed, only if it is still pending (a payment that won the race keeps "paid"). */
export async function markClosed(orderId: string): Promise<boolean> {
  const [count] = await Order.update(
    { paymentStatus: OrderStatus.closed, closedAt: new Date() },
    { where: { id: orderId, paymentStatus: OrderStatus.pending } },
  );
  return count === 1;
}

/**
 * Closes the order at WeChat. "Already paid" there means the payment must be applied instead;
 * "never seen" means there is nothing to close.
 */
export async function closeAtWechat(order: Order): Promise<'closed' | 'paid'> {
  if (!order.wxPrepayId) return 'closed';
  try {
    await wechatPay().close(order.orderNo);
    return 'closed';
  } catch (err) {
    if (err instanceof WechatError && err.wxCode === 'ORDERPAID') {
      await syncOrderWithWechat(order.id);
      return 'paid';
    }
    if (err instanceof WechatError && (err.wxCode === 'ORDER_NOT_EXIST' || err.wxCode === 'ORDER_CLOSED')) return 'closed';
    throw err;
  }
}

/**
 * The worker's job: pending orders past their timeout. Each is queried at WeChat FIRST, so a paid
 * order whose notification was lost is credited rather than closed; the rest are closed at
 * WeChat and here. An order WeChat cannot be asked about now stays pending for the next run.
 */
export async function closeExpiredOrders(now: Date = new Date(), limit = 200): Promise<{ closed: number; paid: number; skipped: number }> {
  const due = await Order.findAll({
    where: { paymentStatus: OrderStatus.pending, expiresAt: { [Op.lte]: now } },
    order: [['expiresAt', 'ASC']],
    limit,
  });
  const result = { closed: 0, paid: 0, skipped: 0 };
  for (const order of due) {
    try {
      if (order.wxPrepayId) {
        const synced = await syncOrderWithWechat(order.id);
        if (synced.paymentStatus === OrderStatus.paid) {
          result.paid += 1;
          continue;
        }
        if (synced.paymentStatus !== OrderStatus.pending) {
          result.closed += 1;
          continue;
        }
        if ((await closeAtWechat(order)) === 'paid') {
          result.paid += 1;
          continue;
        }
      }
      if (await markClosed(order.id)) result.closed += 1;
    } catch (err) {
      if (!(err instanceof WechatError)) throw err;
      result.skipped += 1;
    }
  }
  return result;
}

export const closeExpiredOrdersJob = defineJob({
  name: 'orders.close-expired',
  queue: 'payments',
  description: 'Pending orders past their timeout: ask WeChat first (a paid order whose notification was lost is credited), close the rest at WeChat and here',
  schedule: { every: 60_000 },
  data: z.object({}).default({}),
  run: async () => closeExpiredOrders(),
});
