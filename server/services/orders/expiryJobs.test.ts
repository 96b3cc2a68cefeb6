import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/index.js';
import { MiniUser, Order } from '../../models/index.js';
import { closeExpiredOrdersJob } from './index.js';
import { creditPoints, expireLotsJob, findPointsDrift, PointsOperation } from '../points/index.js';

describe('worker jobs: points.expire-lots and orders.close-expired', () => {
  it('points.expire-lots expires lots past their expiry', async () => {
    const user = await MiniUser.create({ openid: `o_${randomUUID()}` });
    await inTransaction((t) =>
      creditPoints(
        { userId: user.id, points: 25, source: 'admin_adjust', expiresAt: new Date(Date.now() - 1000), operationType: PointsOperation.adminAdjust },
        t,
      ),
    );
    const result = (await expireLotsJob.runNow({})) as { users: number; points: number };
    assert.ok(result.points >= 25);
    assert.equal((await MiniUser.findByPk(user.id))!.totalPoints, 0);
    assert.deepEqual(await findPointsDrift(), []);
  });

  it('orders.close-expired closes a timed-out order that never reached WeChat', async () => {
    const user = await MiniUser.create({ openid: `o_${randomUUID()}` });
    const [product] = (await MiniUser.sequelize!.query(
      `INSERT INTO meta_product (name, product_type, point_amount, original_price, sale_price) VALUES (:name, 1, 10, 1, 1) RETURNING id`,
      { replacements: { name: `job-${randomUUID()}` }, type: 'SELECT' },
    )) as Array<{ id: string }>;
    const order = await Order.create({
      orderNo: `SHJOB${Date.now()}`,
      userId: user.id,
      productId: product!.id,
      originalAmount: '1.00',
      discountAmount: '0.00',
      totalAmount: '1.00',
      points: 10,
      bonusPoints: 0,
      paymentStatus: 0,
      expiresAt: new Date(Date.now() - 1000),
    });
    const result = (await closeExpiredOrdersJob.runNow({})) as { closed: number };
    assert.ok(result.closed >= 1);
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 2);
  });
});
