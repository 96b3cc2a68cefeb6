import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { MiniUser, Order, PointsLot, PurchaseRecord, WechatPayment } from '../../../server/models/index.js';
import { adminQueryWechat, adminRefundOrder, closeExpiredOrders } from '../../../server/services/orders/index.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { until } from '../../support/until.js';
import { assertPointsBooksBalance, seedPackage, startWorld, type World } from '../../support/miniApi.js';

const require = createRequire(import.meta.url);
const { Rsa, Formatter } = require('wechatpay-axios-plugin') as {
  Rsa: { verify(m: string, s: string, k: unknown): boolean };
  Formatter: { joinedByLineFeed(...p: string[]): string };
};

describe('orders paid with WeChat Pay, end to end against the simulator', () => {
  let w: World;
  let pkgId: string;
  before(async () => {
    w = await startWorld();
    pkgId = (await seedPackage({ price: '50.00', points: 600, promotion: { promoType: 2, minAmount: '30.00', reduceAmount: '5.00', bonusPoints: 60 } })).pkg.id;
  });
  after(() => w.restore());
  afterEach(assertPointsBooksBalance);

  async function orderAndPrepay(token: string) {
    const created = await w.api.call('POST', '/api/orders', { token, body: { packageId: pkgId } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pay = await w.api.call('POST', `/api/orders/${created.body.data.id}/pay`, { token });
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    return { order: created.body.data, pay: pay.body.data };
  }

  const pointsOf = async (userId: string) => (await MiniUser.findByPk(userId))!.totalPoints;

  it('prepay → paySign verifies with the merchant key → notification → points credited once → status paid', async () => {
    const u = await w.api.login(w.sim);
    const { order, pay } = await orderAndPrepay(u.token);
    assert.equal(order.totalAmount, '45.00');
    assert.equal(order.status, 'pending');
    const tx = w.sim.transactions.get(order.orderNo)!;
    assert.equal(tx.amount.total, 4500, 'WeChat is asked for the server price in fen');
    assert.equal(tx.payer.openid, u.openid);
    assert.equal(pay.payment.package, `prepay_id=${tx.prepay_id}`);
    const message = Formatter.joinedByLineFeed('wx_test_appid', pay.payment.timeStamp, pay.payment.nonceStr, pay.payment.package);
    assert.ok(Rsa.verify(message, pay.payment.paySign, w.merchant.publicKey), 'paySign verifies with the merchant public key');

    w.sim.pay(order.orderNo);
    await w.sim.settled();
    const deliveries = w.sim.deliveriesFor(order.orderNo);
    assert.deepEqual(deliveries.map((d) => d.status), [204]);

    const status = await w.api.call('GET', `/api/orders/${order.id}/status`, { token: u.token });
    assert.equal(status.body.data.status, 'paid');
    assert.equal(await pointsOf(u.user.id), 660, '600 points + 60 bonus');
    const points = await w.api.call('GET', '/api/points', { token: u.token });
    assert.equal(points.body.data.balance, 660);
    assert.equal(points.body.data.lots.length, 1);
    const records = await w.api.call('GET', '/api/points/records?type=purchase', { token: u.token });
    assert.equal(records.body.data.total, 1);
    assert.equal(records.body.data.items[0].remainingPoints, 660);

    const again = await w.api.call('POST', `/api/orders/${order.id}/pay`, { token: u.token });
    assert.equal(again.status, 409, 'a paid order cannot be paid again');
  });

  it('the same notification delivered 50 times concurrently credits once', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    const { headers, body } = w.sim.notification(order.orderNo);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${w.server.url}/api/pay/wechat/notify`, { method: 'POST', headers, body }).then((r) => r.status)),
    );
    assert.deepEqual([...new Set(results)], [204]);
    assert.equal(await pointsOf(u.user.id), 660);
    const dbOrder = await Order.findByPk(order.id);
    assert.equal(dbOrder!.paymentStatus, 1);
    assert.equal(await PointsLot.count({ where: { orderId: order.id } }), 1);
    assert.equal(await PurchaseRecord.count({ where: { orderId: order.id } }), 1);
    // WeChat redelivering later (its retry schedule) changes nothing either.
    await w.sim.deliver(order.orderNo);
    assert.equal(await pointsOf(u.user.id), 660);
  });

  for (const forge of ['signature', 'stale_timestamp', 'serial', 'ciphertext'] as const) {
    it(`refuses a notification with a forged ${forge} (401), crediting nothing`, async () => {
      const u = await w.api.login(w.sim);
      const { order } = await orderAndPrepay(u.token);
      w.sim.pay(order.orderNo, { lose: true });
      const { headers, body } = w.sim.notification(order.orderNo, forge);
      const res = await fetch(`${w.server.url}/api/pay/wechat/notify`, { method: 'POST', headers, body });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).code, 'FAIL');
      assert.equal((await Order.findByPk(order.id))!.paymentStatus, 0);
      assert.equal(await pointsOf(u.user.id), 0);
      assert.equal(await WechatPayment.count({ where: { orderId: order.id } }), 0);
    });
  }

  it('refuses a notification whose body was altered after signing (raw bytes are verified)', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    const { headers, body } = w.sim.notification(order.orderNo);
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    const res = await fetch(`${w.server.url}/api/pay/wechat/notify`, { method: 'POST', headers, body: reformatted });
    assert.equal(res.status, 401);
    assert.equal(await pointsOf(u.user.id), 0);
  });

  for (const forge of ['amount', 'mchid', 'appid'] as const) {
    it(`refuses a genuine-looking notification with the wrong ${forge}, crediting nothing`, async () => {
      const u = await w.api.login(w.sim);
      const { order } = await orderAndPrepay(u.token);
      w.sim.pay(order.orderNo, { lose: true });
      const { headers, body } = w.sim.notification(order.orderNo, forge);
      const res = await fetch(`${w.server.url}/api/pay/wechat/notify`, { method: 'POST', headers, body });
      assert.equal(res.status, 400);
      assert.equal((await Order.findByPk(order.id))!.paymentStatus, 0);
      assert.equal(await pointsOf(u.user.id), 0);
    });
  }

  it('retries a failed delivery on the (compressed) WeChat schedule until we accept it', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    // The first delivery hits a notify URL that is down.
    const tx = w.sim.transactions.get(order.orderNo)!;
    const realUrl = tx.notify_url;
    tx.notify_url = `${w.server.url}/api/nowhere`;
    w.sim.pay(order.orderNo);
    await until(() => w.sim.deliveriesFor(order.orderNo).length >= 2, 'two failed deliveries');
    tx.notify_url = realUrl;
    await w.sim.settled();
    const statuses = w.sim.deliveriesFor(order.orderNo).map((d) => d.status);
    assert.equal(statuses.at(-1), 204);
    assert.ok(statuses.slice(0, -1).every((s) => s === 404));
    assert.equal(await pointsOf(u.user.id), 660);
  });

  it('a lost notification is credited by the query before the timeout closes the order', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    const unpaid = await w.api.login(w.sim);
    const other = await orderAndPrepay(unpaid.token);
    const later = new Date(Date.now() + 16 * 60_000);
    const result = await closeExpiredOrders(later);
    assert.ok(result.paid >= 1 && result.closed >= 1, JSON.stringify(result));
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 1);
    assert.equal(await pointsOf(u.user.id), 660);
    assert.equal((await Order.findByPk(other.order.id))!.paymentStatus, 2);
    assert.equal(w.sim.transactions.get(other.order.orderNo)!.trade_state, 'CLOSED', 'closed at WeChat too');
    assert.equal((await WechatPayment.findOne({ where: { orderId: order.id } }))!.source, 'query');
  });

  it('the polling endpoint asks WeChat about an order left pending', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    await Order.sequelize!.query("UPDATE meta_order SET updated_at = now() - interval '1 minute' WHERE id = :id", { replacements: { id: order.id } });
    const status = await w.api.call('GET', `/api/orders/${order.id}/status`, { token: u.token });
    assert.equal(status.body.data.status, 'paid');
    assert.equal(await pointsOf(u.user.id), 660);
  });

  it('cancel closes the order at WeChat; a closed order cannot be paid', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    const cancelled = await w.api.call('POST', `/api/orders/${order.id}/cancel`, { token: u.token });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.data.status, 'closed');
    assert.equal(w.sim.transactions.get(order.orderNo)!.trade_state, 'CLOSED');
    assert.equal((await w.api.call('POST', `/api/orders/${order.id}/pay`, { token: u.token })).status, 409);
    assert.throws(() => w.sim.pay(order.orderNo), /CLOSED/);
  });

  it('cancel of an order already paid at WeChat credits it instead of closing', async () => {
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    const cancelled = await w.api.call('POST', `/api/orders/${order.id}/cancel`, { token: u.token });
    assert.equal(cancelled.status, 409);
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 1);
    assert.equal(await pointsOf(u.user.id), 660);
  });

  it('WeChat Pay failing at prepay gives a 6xxx refusal and leaves the order payable', async () => {
    const u = await w.api.login(w.sim);
    const created = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkgId } });
    w.sim.inject('jsapi', { kind: 'fail', status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } });
    const failed = await w.api.call('POST', `/api/orders/${created.body.data.id}/pay`, { token: u.token });
    assert.equal(failed.status, 502);
    assert.equal(failed.body.code, 6502);
    const retried = await w.api.call('POST', `/api/orders/${created.body.data.id}/pay`, { token: u.token });
    assert.equal(retried.status, 200);
  });

  it("a user cannot see or act on someone else's order (404)", async () => {
    const a = await w.api.login(w.sim);
    const b = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(a.token);
    for (const [method, path] of [
      ['GET', `/api/orders/${order.id}`],
      ['GET', `/api/orders/${order.id}/status`],
      ['POST', `/api/orders/${order.id}/pay`],
      ['POST', `/api/orders/${order.id}/cancel`],
    ] as const) {
      const answer = await w.api.call(method, path, { token: b.token });
      assert.equal(answer.status, 404, `${method} ${path}`);
    }
    const list = await w.api.call('GET', '/api/orders', { token: b.token });
    assert.equal(list.body.data.total, 0);
  });

  it('admin: "query WeChat now" and refund marking (points of that order removed from what remains, ledger row, WeChat refund)', async () => {
    const admin = await createAdminUser({ username: 'order_admin', password: 'abcd1234', role: 'super_admin' });
    const actor = { id: admin.id, role: 'super_admin' };
    const u = await w.api.login(w.sim);
    const { order } = await orderAndPrepay(u.token);
    w.sim.pay(order.orderNo, { lose: true });
    const synced = await adminQueryWechat({ orderId: order.id, actor });
    assert.equal(synced.paymentStatus, 1);
    assert.equal(await pointsOf(u.user.id), 660);

    const refunded = await adminRefundOrder({ orderId: order.id, reason: '用户误购', actor });
    assert.equal(refunded.pointsRemoved, 660);
    assert.equal(refunded.balance, 0);
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 3);
    assert.equal(w.sim.transactions.get(order.orderNo)!.refunds.length, 1);
    const refundRows = await PurchaseRecord.findAll({ where: { orderId: order.id, operationType: 6 } });
    assert.deepEqual(refundRows.map((r) => [r.pointsChange, r.remainingPoints, r.actorAdminId]), [[-660, 0, admin.id]]);
    await assert.rejects(adminRefundOrder({ orderId: order.id, reason: 'again', actor }), /只有已支付/);
    await assert.rejects(adminRefundOrder({ orderId: order.id, reason: 'x', actor: { id: admin.id, role: 'agent_admin' } }), /超级管理员/);
  });
});
