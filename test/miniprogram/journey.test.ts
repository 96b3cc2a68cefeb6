import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CardKey, CardKeyBatch, Order, Project } from '../../server/models/index.js';
import { generateCodes } from '../../server/services/cardKeys/codes.js';
import { charge, newApi, newService, theSuperAdmin } from '../support/apiKeys.js';
import { assertPointsBooksBalance, seedPackage, startWorld, type World } from '../support/miniApi.js';
import { until } from '../support/until.js';
import { freshRedeemAllowance } from './fixtures.js';
import { atTimeScale, MiniRuntime, useMiniprogramDom } from './harness.js';

/**
 * The whole mini-program journey, driven through its pages: wx.request goes to the real server,
 * wx.login gets its code from the WeChat simulator, wx.requestPayment makes the simulator pay and
 * send its signed notification. Nothing on the server side is touched except through its APIs
 * (and an API service charging through /open/v1/metering/charge).
 */
describe('mini-program journey (pages ↔ real server ↔ WeChat simulator)', function () {
  this.timeout(60_000);
  useMiniprogramDom();
  let w: World;
  let rt: MiniRuntime;
  let pkg: { id: string };

  before(async () => {
    w = await startWorld();
    pkg = (await seedPackage({ price: '50.00', points: 600, isHot: true, sort: -1 })).pkg;
  });
  after(() => w.restore());
  beforeEach(() => {
    rt = new MiniRuntime({ server: w.server.url, sim: w.sim, merchantPublicKey: w.merchant.publicKey });
  });
  afterEach(async () => {
    assert.deepEqual(rt.undocumented, []);
    await rt.close();
    await assertPointsBooksBalance();
  });

  /** From the buy tab: the 50元 package → confirm → 立即支付, with the payment sheet doing `behaviour`. */
  async function buyFiftyYuan(behaviour: MiniRuntime['payBehaviour']) {
    await rt.tap('.floating .btn-orange');
    assert.equal(rt.route, 'pages/buy/index');
    const buyNow = rt.all('.buy-now').find((b) => b.dom.getAttribute('data-id') === pkg.id);
    assert.ok(buyNow, 'the 50元 package is recommended (hot)');
    buyNow.dispatchEvent('tap');
    await rt.settle();
    assert.equal(rt.route, 'pages/order-confirm/index');
    assert.equal(rt.page.data.packageId, pkg.id);
    assert.match(rt.text(), /600 积分.*¥50.*虚拟商品不支持退款/);
    rt.payBehaviour = behaviour;
    await rt.tap('.pay');
  }

  async function pointsProjectKey(points: number): Promise<string> {
    const admin = await theSuperAdmin();
    const project = await Project.create({
      name: `积分卡-${randomUUID().slice(0, 8)}`,
      kind: 'points',
      status: 'active',
      pointsPerKey: points,
      appKey: randomUUID().replace(/-/g, ''),
      appSecretEnc: 'sealed',
      signPublicKey: 'pk',
      signPrivateKeyEnc: 'sealed',
      maxUnbinds: 3,
      unbindCooldownMinutes: 60,
      shareIpThreshold: 5,
    });
    const batch = await CardKeyBatch.create({ projectId: project.id, agentId: admin.id, validityLabel: '永久', durationDays: null, unitPrice: '1.00', count: 1, totalCost: '1.00', status: 'completed', progress: 100 });
    const [code] = generateCodes(1);
    await CardKey.create({ code, batchId: batch.id, projectId: project.id, agentId: admin.id, status: 'unused' });
    return code!;
  }

  it('launch → 0 points → buy 50元 → pay → 600 points → key shown once → a charge → one call today and the consumption → redeem → more points', async () => {
    await rt.open('pages/launch/index');
    assert.equal(rt.route, 'pages/home/index');
    assert.match(rt.text(), /可用积分 ?0(?!\d)/);

    // In real time, so the success page stays up for its 5 seconds while it is read.
    await atTimeScale(1, async () => {
      await buyFiftyYuan('pay');
      // The notification may still be on its way: then the polling page shows the success page.
      await until(() => rt.route === 'pages/pay-success/index' && rt.page.data.state === 'ready', 'the success page', 10_000);
      assert.match(rt.text(), /支付成功.*¥50.*600 积分.*有效期至2099-12-31/);
      await rt.tap('.btn-green'); // 查看积分余额
    });
    const order = await Order.findOne({ where: { orderNo: rt.lastPaidOrderNo } });
    assert.equal(order!.paymentStatus, 1, 'paid by the simulator\'s signed notification');
    assert.equal(rt.route, 'pages/home/index');
    assert.match(rt.text(), /可用积分 ?600/);

    await rt.tap('.floating .btn-ghost'); // 生成Key
    assert.equal(rt.route, 'pages/keys/index');
    await rt.tap('.submit');
    assert.equal(rt.route, 'pages/key-created/index');
    const key = rt.page.data.key.key as string;
    assert.match(rt.text(), new RegExp(key));
    await rt.tap('.tick');
    await rt.tap('.close');
    assert.equal(rt.route, 'pages/keys/index');
    assert.doesNotMatch(rt.text(), new RegExp(key), 'shown once');
    assert.match(rt.text(), /我的第一个Key.*活跃.*剩余积分 600.*今日调用 0.*从未使用/);

    const api = await newApi(5, `journey_${Date.now()}`);
    const service = await newService();
    const charged = await charge(w.server.url, service, { apiKey: key, apiName: api.name, callerIp: '203.0.113.9', requestId: 'journey-1' });
    assert.equal(charged.body.data.decision, 'allow');

    await rt.page.instance.onPullDownRefresh();
    await rt.settle();
    assert.match(rt.text(), /剩余积分 595.*今日调用 1.*最近调用：(刚刚|1分钟前)/);

    await rt.navigateForTest('pages/points-records/index');
    assert.match(rt.text(), new RegExp(`消费 · ${api.name}.*-5.*余额 595.*购买.*\\+600.*余额 600`));

    const code = await pointsProjectKey(300);
    await freshRedeemAllowance();
    await rt.navigateForTest('pages/redeem/index');
    await rt.input('.code', code.toLowerCase());
    await rt.tap('.submit');
    assert.match(rt.text(), /兑换成功，获得 300 积分.*当前积分 895/);
    await rt.navigateForTest('pages/home/index', 'switchTab');
    assert.match(rt.text(), /可用积分 ?895/);
  });

  it('cancel: the payment sheet is closed → the order is closed here and at WeChat, the failure page says so', async () => {
    await rt.open('pages/launch/index');
    await buyFiftyYuan('cancel');
    assert.equal(rt.route, 'pages/pay-fail/index');
    assert.match(rt.text(), /支付失败.*已取消支付，订单已关闭.*重新支付/);
    const tx = [...w.sim.transactions.values()].at(-1)!;
    assert.equal(tx.trade_state, 'CLOSED', 'closed at WeChat');
    const order = await Order.findOne({ where: { orderNo: tx.out_trade_no } });
    assert.equal(order!.paymentStatus, 2, 'closed here');
    await rt.tap('.retry');
    assert.equal(rt.route, 'pages/order-confirm/index');
  });

  it('a late notification: the polling page waits, then shows the success page', async () => {
    await rt.open('pages/launch/index');
    const paying = buyFiftyYuan('pay-late-notification');
    await until(() => rt.route === 'pages/pay-pending/index', 'the polling page', 10_000);
    assert.match(rt.text(), /支付处理中/);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(rt.route, 'pages/pay-pending/index', 'still waiting: nothing told the server yet');
    await w.sim.deliver(rt.lastPaidOrderNo);
    await paying;
    await until(() => rt.route !== 'pages/pay-pending/index', 'the polling page to move on', 10_000);
    await rt.settle();
    assert.equal(rt.route, 'pages/pay-success/index');
    assert.match(rt.text(), /600 积分/);
  });
});
