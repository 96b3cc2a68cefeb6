import { inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { pageOf, pageWindow, type Page } from '../../http/envelope.js';
import { logger } from '../../logger.js';
import { MiniUser, Order, Package } from '../../models/index.js';
import { miniUserActor } from '../../policies/actor.js';
import { authorize } from '../../policies/index.js';
import { redis, redisKey } from '../../redis.js';
import { WechatError, wechatNotifyUrl, wechatPay } from '../../wechat/index.js';
import { closeAtWechat, markClosed, syncOrderWithWechat } from './syncOrder.js';
import { amountToFen, orderExpired, orderNotFound, orderNotPending, OrderStatus, presentOrder, type OrderView } from './orderStatus.js';

/** The user's own order, or 404: someone else's is refused by the orders policy as "not found" too. */
async function ownOrder(userId: string, orderId: string, verb: 'view' | 'pay' | 'cancel'): Promise<Order> {
  const order = await Order.findByPk(orderId);
  if (!order) throw orderNotFound();
  authorize(miniUserActor(userId), verb, 'meta_order', order);
  return order;
}

async function describe(order: Order): Promise<OrderView> {
  const pkg = order.packageId ? await Package.findByPk(order.packageId, { attributes: ['name'] }) : null;
  return presentOrder(order, pkg?.name ?? null);
}

export async function listOrders(
  userId: string,
  query: { page: number; pageSize: number; status?: keyof typeof OrderStatus },
): Promise<Page<OrderView>> {
  const where = query.status ? { userId, paymentStatus: OrderStatus[query.status] } : { userId };
  const { rows, count } = await Order.findAndCountAll({
    where,
    order: [['createdAt', 'DESC'], ['id', 'DESC']],
    ...pageWindow(query),
  });
  const names = new Map(
    (await Package.findAll({ where: { id: [...new Set(rows.map((r) => r.packageId).filter((x): x is string => !!x))] }, attributes: ['id', 'name'] })).map(
      (p) => [p.id, p.name],
    ),
  );
  return pageOf(query, count, rows.map((o) => presentOrder(o, names.get(o.packageId ?? '') ?? null)));
}

export async function getOrder(userId: string, orderId: string): Promise<OrderView> {
  return describe(await ownOrder(userId, orderId, 'view'));
}

function payRefusal(err: WechatError): AppError {
  logger().warn({ wxCode: err.wxCode, status: err.httpStatus }, 'WeChat Pay refused');
  return new AppError(502, 6502, 'WECHAT_PAY_UNAVAILABLE', '微信支付暂时不可用，请稍后再试');
}

/**
 * The `wx.requestPayment` parameters for a pending order: a JSAPI prepay at WeChat (once; the
 * prepay id is kept and re-signed on later attempts) with the server's amount and the order's
 * own expiry.
 */
export async function payOrder(userId: string, orderId: string, now: Date = new Date()) {
  const order = await ownOrder(userId, orderId, 'pay');
  if (order.paymentStatus !== OrderStatus.pending) throw orderNotPending(order.paymentStatus);
  if (order.expiresAt <= now) throw orderExpired();
  const client = wechatPay();
  if (!order.wxPrepayId) {
    const user = await MiniUser.findByPk(userId, { attributes: ['openid'] });
    const pkg = order.packageId ? await Package.findByPk(order.packageId, { attributes: ['name'] }) : null;
    let prepayId: string;
    try {
      ({ prepay_id: prepayId } = await client.prepayJsapi({
        description: `API积分充值-${pkg?.name ?? order.orderNo}`.slice(0, 127),
        outTradeNo: order.orderNo,
        timeExpire: order.expiresAt,
        notifyUrl: wechatNotifyUrl(),
        totalFen: amountToFen(order.totalAmount),
        openid: user!.openid,
      }));
    } catch (err) {
      if (err instanceof WechatError && err.wxCode === 'ORDERPAID') {
        await syncOrderWithWechat(order.id);
        throw orderNotPending(OrderStatus.paid);
      }
      if (err instanceof WechatError) throw payRefusal(err);
      throw err;
    }
    await inTransaction(async (t) => {
      const [count] = await Order.update(
        { wxPrepayId: prepayId, wxAppid: client.appId, wxMchid: client.mchId },
        { where: { id: order.id, paymentStatus: OrderStatus.pending }, transaction: t },
      );
      if (count !== 1) throw orderNotPending(OrderStatus.closed);
    });
    order.wxPrepayId = prepayId;
  }
  return { orderId: order.id, orderNo: order.orderNo, totalAmount: order.totalAmount, payment: client.requestPaymentParams(order.wxPrepayId) };
}

/** How long an order may stay pending before the polling endpoint asks WeChat itself. */
const QUERY_AFTER_MS = 5_000;
const QUERY_EVERY_SECONDS = 5;

/**
 * For the polling page. A pending order that has been waiting a while is checked at WeChat
 * (at most once every few seconds per order, across all server processes).
 */
export async function getOrderStatus(userId: string, orderId: string, now: Date = new Date()): Promise<OrderView> {
  let order = await ownOrder(userId, orderId, 'view');
  if (order.paymentStatus === OrderStatus.pending && order.wxPrepayId && now.getTime() - order.updatedAt.getTime() >= QUERY_AFTER_MS) {
    const slot = await redis().set(redisKey('orders', 'status-query', order.id), '1', 'EX', QUERY_EVERY_SECONDS, 'NX');
    if (slot === 'OK') {
      try {
        order = await syncOrderWithWechat(order.id);
      } catch (err) {
        if (!(err instanceof WechatError)) throw err;
        logger().warn({ orderNo: order.orderNo, wxCode: err.wxCode }, 'status query at WeChat failed');
      }
    }
  }
  return describe(order);
}

/** The user gives up on a pending order: closed at WeChat first, then here. */
export async function cancelOrder(userId: string, orderId: string): Promise<OrderView> {
  const order = await ownOrder(userId, orderId, 'cancel');
  if (order.paymentStatus !== OrderStatus.pending) throw orderNotPending(order.paymentStatus);
  let outcome: 'closed' | 'paid';
  try {
    outcome = await closeAtWechat(order);
  } catch (err) {
    if (err instanceof WechatError) throw payRefusal(err);
    throw err;
  }
  if (outcome === 'paid') throw orderNotPending(OrderStatus.paid);
  if (!(await markClosed(order.id))) {
    const now = await Order.findByPk(order.id);
    throw orderNotPending(now!.paymentStatus);
  }
  return describe((await Order.findByPk(order.id))!);
}

