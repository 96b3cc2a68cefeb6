import { randomInt } from 'node:crypto';
import { Op } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { AppError, badRequest } from '../../errors.js';
import { MiniUser, Order } from '../../models/index.js';
import { sellablePackage } from '../catalog/listPackages.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { presentOrder, type OrderView } from './orderStatus.js';
import { chinaWallClock } from '../../lib/chinaTime.js';

/** Unpaid orders a user may have open at once (each holds a WeChat prepay). */
const MAX_OPEN_ORDERS = 10;

/** `SH` + Beijing time to the second + 10 random digits: 26 characters, sortable, unguessable enough. */
export function newOrderNo(now: Date = new Date()): string {
  const beijing = chinaWallClock(now).replace(/\D/g, '');
  const random = String(randomInt(0, 1e10)).padStart(10, '0');
  return `SH${beijing}${random}`;
}

/**
 * An order for one package, priced by the server at this moment (the client's amount is never
 * read). It stays payable for `points.order_timeout_minutes`.
 */
export async function createOrder(input: { userId: string; packageId: string }, now: Date = new Date()): Promise<OrderView> {
  const { pkg, product, price } = await sellablePackage(input.packageId, now);
  if (product.currency !== 'CNY') throw badRequest('该套餐暂不支持微信支付', 'CURRENCY_NOT_SUPPORTED', 4001);
  const timeoutMinutes = await getSetting('points.order_timeout_minutes');
  // The user's row lock makes the open-order count and the insert one step under concurrency.
  const order = await inTransaction(async (t) => {
    const user = await MiniUser.findByPk(input.userId, { transaction: t, lock: t.LOCK.UPDATE });
    const open = await Order.count({ where: { userId: input.userId, paymentStatus: 0, expiresAt: { [Op.gt]: now } }, transaction: t });
    if (open >= MAX_OPEN_ORDERS) throw new AppError(429, 4429, 'TOO_MANY_OPEN_ORDERS', '待支付订单过多，请先完成或取消已有订单');
    return Order.create(
      {
        orderNo: newOrderNo(now),
        userId: input.userId,
        userName: user?.nickname ?? null,
        productId: product.id,
        packageId: pkg.id,
        promotionId: price.promotionId,
        originalAmount: price.originalAmount,
        discountAmount: price.discountAmount,
        totalAmount: price.totalAmount,
        points: price.points,
        bonusPoints: price.bonusPoints,
        pointsExpireAt: price.pointsExpireAt,
        paymentStatus: 0,
        expiresAt: new Date(now.getTime() + timeoutMinutes * 60_000),
      },
      { transaction: t },
    );
  });
  return presentOrder(order, pkg.name);
}
