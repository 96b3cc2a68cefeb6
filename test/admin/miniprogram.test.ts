import assert from 'node:assert/strict';
import type AdminJS from 'adminjs';
import { mountAdminWith } from '../../admin/mount.js';
import { db } from '../../server/db/index.js';
import { MiniUser, OperationLog, Order, PointsLot, PurchaseRecord } from '../../server/models/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { assertPointsBooksBalance, seedPackage, startWorld, type World } from '../support/miniApi.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';

const PASSWORD = 'Adm1n-secret-pass!';
const orderUrl = (id: string, action: string) => `/admin/api/resources/meta_order/records/${id}/${action}`;
const userUrl = (id: string, action: string) => `/admin/api/resources/meta_user/records/${id}/${action}`;

/**
 * The mini-program back-office actions over AdminJS's HTTP API, against the WeChat simulator:
 * 向微信查询 / 标记退款 on orders, 冻结 / 解冻 / 调整积分 on mini-program users.
 */
describe('mini-program actions in the back office (AdminJS HTTP API, WeChat simulator)', function () {
  this.timeout(120_000);
  let w: World;
  let admin: TestServer;
  let pkgId: string;
  let rootId: number;
  let adminJs: AdminJS;
  const sessions: Record<'root' | 'agentAdmin' | 'agent', { id: number; role: string; parentId: number | null; email: string }> = {} as never;
  const as: Record<'root' | 'agentAdmin' | 'agent', AdminClient> = {} as never;

  before(async () => {
    w = await startWorld();
    db(); // the fixtures below use the models
    pkgId = (await seedPackage({ price: '50.00', points: 600 })).pkg.id;
    rootId = (await createAdminUser({ username: 'mp_root', password: PASSWORD, role: 'super_admin' })).id;
    const agentAdmin = await createAdminUser({ username: 'mp_agentadmin', password: PASSWORD, role: 'agent_admin' });
    const agent = await createAdminUser({ username: 'mp_agent', password: PASSWORD, role: 'agent', parentId: agentAdmin.id });
    sessions.root = { id: rootId, role: 'super_admin', parentId: null, email: 'mp_root' };
    sessions.agentAdmin = { id: agentAdmin.id, role: 'agent_admin', parentId: null, email: 'mp_agentadmin' };
    sessions.agent = { id: agent.id, role: 'agent', parentId: agentAdmin.id, email: 'mp_agent' };
    admin = await startTestServer({
      mountAdmin: async (app) => {
        adminJs = await mountAdminWith(app, { assets: 'dev' });
      },
    });
    as.root = await AdminClient.login(admin.url, 'mp_root', PASSWORD);
    as.agentAdmin = await AdminClient.login(admin.url, 'mp_agentadmin', PASSWORD);
    as.agent = await AdminClient.login(admin.url, 'mp_agent', PASSWORD);
  });
  after(async () => {
    await admin?.close();
    await w?.restore();
  });
  afterEach(assertPointsBooksBalance);

  const succeeded = (r: ApiBody, message?: RegExp) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body).slice(0, 400));
    if (message) assert.match(r.body.notice!.message, message);
  };
  const refusedWith = (r: ApiBody, message: RegExp) => {
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 400));
    assert.ok(isRefused(r), `expected a refusal, got ${JSON.stringify(r.body).slice(0, 400)}`);
    assert.match(r.body.notice?.message ?? '', message);
  };

  /** A logged-in mini-program user with an order sent to WeChat (prepay done), not yet paid. */
  async function pendingOrder() {
    const u = await w.api.login(w.sim);
    const created = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkgId } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pay = await w.api.call('POST', `/api/orders/${created.body.data.id}/pay`, { token: u.token });
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    return { user: u, order: created.body.data as { id: string; orderNo: string } };
  }

  /** Paid at WeChat and credited here (the notification arrives). */
  async function paidOrder() {
    const o = await pendingOrder();
    w.sim.pay(o.order.orderNo);
    await w.sim.settled();
    assert.equal((await Order.findByPk(o.order.id))!.paymentStatus, 1);
    return o;
  }

  const statusOf = async (orderId: string) => (await Order.findByPk(orderId))!.paymentStatus;
  const pointsOf = async (userId: string) => (await MiniUser.findByPk(userId))!.totalPoints;

  it('向微信查询: a payment whose notification was lost is credited once, the outcome is shown and audited', async () => {
    const { user, order } = await pendingOrder();
    w.sim.pay(order.orderNo, { lose: true });

    const viaGet = await as.root.getJson(orderUrl(order.id, 'queryWechat'));
    assert.equal(viaGet.status, 200);
    assert.equal(await statusOf(order.id), 0, 'a GET changes nothing');

    const answer = await as.root.postJson(orderUrl(order.id, 'queryWechat'), {});
    succeeded(answer, /待支付 → 已支付/);
    assert.equal(answer.body.record!.params.paymentStatus, 1);
    assert.equal(await statusOf(order.id), 1);
    assert.equal(await pointsOf(user.user.id), 600);

    succeeded(await as.root.postJson(orderUrl(order.id, 'queryWechat'), {}), /订单状态未变（已支付）/);
    assert.equal(await pointsOf(user.user.id), 600, 'querying again credits nothing');
    assert.equal(await PointsLot.count({ where: { orderId: order.id } }), 1);
    const audit = await OperationLog.findAll({ where: { action: 'order.query_wechat', recordId: order.id } });
    assert.equal(audit.length, 2);
    assert.equal(audit[0]!.actorId, rootId);
    assert.match(audit[0]!.ip ?? '', /127\.0\.0\.1/);
  });

  it('向微信查询 refuses clearly: an order never sent to WeChat, and WeChat failing (no 500, nothing changed)', async () => {
    const u = await w.api.login(w.sim);
    const created = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkgId } });
    refusedWith(await as.root.postJson(orderUrl(created.body.data.id, 'queryWechat'), {}), /尚未发起微信支付/);

    const { order } = await pendingOrder();
    w.sim.pay(order.orderNo, { lose: true });
    w.sim.inject('query', { kind: 'fail', status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } });
    refusedWith(await as.root.postJson(orderUrl(order.id, 'queryWechat'), {}), /微信返回 SYSTEM_ERROR，请稍后重试/);
    assert.equal(await statusOf(order.id), 0);
    succeeded(await as.root.postJson(orderUrl(order.id, 'queryWechat'), {}), /已支付/);
  });

  it('标记退款: WeChat refund, the order’s remaining points removed (not what was already used), ledger row, audit', async () => {
    const { user, order } = await paidOrder();
    // 100 of the order's 600 points are gone already (taken back by an admin adjustment).
    succeeded(await as.root.postJson(userUrl(user.user.id, 'adjustPoints'), { delta: '-100', memo: '测试扣减' }));
    assert.equal(await pointsOf(user.user.id), 500);

    const viaGet = await as.root.getJson(orderUrl(order.id, 'refund'));
    assert.equal(viaGet.status, 200);
    assert.equal(await statusOf(order.id), 1, 'a GET changes nothing');
    refusedWith(await as.root.postJson(orderUrl(order.id, 'refund'), { reason: '   ' }), /请填写退款原因/);
    assert.equal(w.sim.transactions.get(order.orderNo)!.refunds.length, 0);

    const answer = await as.root.postJson(orderUrl(order.id, 'refund'), { reason: '用户误购' });
    succeeded(answer, /扣除积分 500，用户剩余积分 0/);
    assert.equal(answer.body.record!.params.paymentStatus, 3);
    const dbOrder = (await Order.findByPk(order.id))!;
    assert.equal(dbOrder.paymentStatus, 3);
    assert.equal(dbOrder.refundReason, '用户误购');
    assert.equal(await pointsOf(user.user.id), 0);
    const refunds = w.sim.transactions.get(order.orderNo)!.refunds;
    assert.deepEqual(refunds.map((r) => r.amount), [5000], 'the full amount refunded at WeChat');
    const rows = await PurchaseRecord.findAll({ where: { orderId: order.id, operationType: 6 } });
    assert.deepEqual(rows.map((r) => [r.pointsChange, r.remainingPoints, r.actorAdminId]), [[-500, 0, rootId]]);
    assert.equal((await OperationLog.findOne({ where: { action: 'order.refund', recordId: order.id } }))!.actorId, rootId);

    refusedWith(await as.root.postJson(orderUrl(order.id, 'refund'), { reason: '再退一次' }), /只有已支付的订单可以退款（当前：已退款）/);
    assert.equal(w.sim.transactions.get(order.orderNo)!.refunds.length, 1);
  });

  it('标记退款 refuses an unpaid order and survives WeChat failing; five concurrent clicks refund once', async () => {
    const pending = await pendingOrder();
    refusedWith(await as.root.postJson(orderUrl(pending.order.id, 'refund'), { reason: '未支付' }), /只有已支付的订单可以退款（当前：待支付）/);
    assert.equal(await statusOf(pending.order.id), 0);

    const { user, order } = await paidOrder();
    w.sim.inject('refund', { kind: 'fail', status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } });
    refusedWith(await as.root.postJson(orderUrl(order.id, 'refund'), { reason: '重试' }), /微信退款失败：SYSTEM_ERROR/);
    assert.equal(await statusOf(order.id), 1);
    assert.equal(await pointsOf(user.user.id), 600);

    const answers = await Promise.all(Array.from({ length: 5 }, () => as.root.postJson(orderUrl(order.id, 'refund'), { reason: '并发' })));
    for (const a of answers) assert.equal(a.status, 200, 'never a 500');
    assert.equal(answers.filter((a) => a.body.notice?.type === 'success').length, 1, JSON.stringify(answers.map((a) => a.body.notice)));
    for (const a of answers.filter((x) => x.body.notice?.type !== 'success')) assert.match(a.body.notice?.message ?? '', /退款|状态/);
    assert.equal(await statusOf(order.id), 3);
    assert.equal(await pointsOf(user.user.id), 0);
    assert.equal(await PurchaseRecord.count({ where: { orderId: order.id, operationType: 6 } }), 1);
    assert.equal(w.sim.transactions.get(order.orderNo)!.refunds.length, 1, 'one refund at WeChat (same out_refund_no)');
  });

  it('冻结 revokes the user’s tokens at once and blocks login; 解冻 restores it; both audited and refused when not applicable', async () => {
    const u = await w.api.login(w.sim);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: u.token })).status, 200);

    const viaGet = await as.root.getJson(userUrl(u.user.id, 'freeze'));
    assert.equal(viaGet.status, 200);
    assert.equal((await MiniUser.findByPk(u.user.id))!.status, 1, 'a GET changes nothing');

    succeeded(await as.root.postJson(userUrl(u.user.id, 'freeze'), {}), /已冻结/);
    assert.equal((await MiniUser.findByPk(u.user.id))!.status, 0);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: u.token })).status, 401, 'the old token died');
    const relogin = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(u.openid) } });
    assert.equal(relogin.status, 403, 'a frozen user cannot log in');
    refusedWith(await as.root.postJson(userUrl(u.user.id, 'freeze'), {}), /已是冻结状态/);

    succeeded(await as.root.postJson(userUrl(u.user.id, 'unfreeze'), {}), /已解冻/);
    assert.equal((await MiniUser.findByPk(u.user.id))!.status, 1);
    assert.equal((await w.api.login(w.sim, u.openid)).user.id, u.user.id);
    refusedWith(await as.root.postJson(userUrl(u.user.id, 'unfreeze'), {}), /未被冻结/);

    const audit = await OperationLog.findAll({ where: { resource: 'meta_user', recordId: u.user.id }, order: [['id', 'ASC']] });
    assert.deepEqual(audit.map((a) => [a.action, a.actorId]), [['mini_user.freeze', rootId], ['mini_user.unfreeze', rootId]]);
  });

  it('a plain AdminJS edit cannot change a mini-program user’s status (only 冻结/解冻 can)', async () => {
    const u = await w.api.login(w.sim);
    const edit = await as.root.postJson(userUrl(u.user.id, 'edit'), { status: '0' });
    assert.ok(isRefused(edit), JSON.stringify(edit.body).slice(0, 300));
    assert.equal((await MiniUser.findByPk(u.user.id))!.status, 1);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: u.token })).status, 200);
  });

  it('调整积分: adds a lot, draws FIFO, writes ledger rows naming the admin, audits; bad input is refused with a message', async () => {
    const u = await w.api.login(w.sim);
    const id = u.user.id as string;
    succeeded(await as.root.postJson(userUrl(id, 'adjustPoints'), { delta: '+150', memo: '活动补偿', expiresInDays: '30' }), /\+150，当前积分 150/);
    const lot = (await PointsLot.findOne({ where: { userId: id } }))!;
    assert.equal(lot.source, 'admin_adjust');
    assert.equal(lot.points, 150);
    const days = (lot.expiresAt.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30, `expires in ${days} days`);
    succeeded(await as.root.postJson(userUrl(id, 'adjustPoints'), { delta: '-40', memo: '误加' }), /-40，当前积分 110/);
    assert.equal(await pointsOf(id), 110);
    const rows = await PurchaseRecord.findAll({ where: { userId: id }, order: [['seq', 'ASC']] });
    assert.deepEqual(rows.map((r) => [r.operationType, r.pointsChange, r.remainingPoints, r.actorAdminId, r.memo]), [
      [5, 150, 150, rootId, '活动补偿'],
      [5, -40, 110, rootId, '误加'],
    ]);
    const audit = await OperationLog.findAll({ where: { action: 'mini_user.adjust_points', recordId: id }, order: [['id', 'ASC']] });
    assert.deepEqual(audit.map((a) => a.after as Record<string, unknown>).map((a) => [a.delta, a.totalPoints]), [[150, 150], [-40, 110]]);

    for (const [fields, message] of [
      [{ delta: '-1000', memo: '超额' }, /积分不足/],
      [{ delta: '0', memo: 'x' }, /非零整数/],
      [{ delta: '1.5', memo: 'x' }, /非零整数/],
      [{ delta: 'abc', memo: 'x' }, /非零整数/],
      [{ delta: '999999999999', memo: 'x' }, /绝对值不超过/],
      [{ delta: '10', memo: '' }, /请填写备注/],
      [{ delta: '10', memo: 'x'.repeat(201) }, /不能超过 200/],
      [{ delta: '10', memo: 'x', expiresInDays: '-3' }, /有效期/],
      [{ delta: '10', memo: 'x', expiresInDays: '99999' }, /有效期/],
    ] as const) {
      refusedWith(await as.root.postJson(userUrl(id, 'adjustPoints'), fields), message);
    }
    assert.equal(await pointsOf(id), 110, 'refused adjustments change nothing');
    assert.equal(await PurchaseRecord.count({ where: { userId: id } }), 2);

    const viaGet = await as.root.getJson(userUrl(id, 'adjustPoints'));
    assert.equal(viaGet.status, 200);
    assert.equal(await pointsOf(id), 110, 'a GET changes nothing');
  });

  it('agent admins and agents are refused every one of these actions (GET and POST), and nothing changes', async () => {
    const pending = await pendingOrder();
    w.sim.pay(pending.order.orderNo, { lose: true });
    const paid = await paidOrder();
    const active = await w.api.login(w.sim);
    const frozen = await w.api.login(w.sim);
    succeeded(await as.root.postJson(userUrl(frozen.user.id, 'freeze'), {}));

    const snapshot = async () => ({
      orders: [await statusOf(pending.order.id), await statusOf(paid.order.id)],
      users: await Promise.all([active, frozen, paid.user].map(async (x) => (await MiniUser.findByPk(x.user.id))!.get({ plain: true }))),
      ledger: await PurchaseRecord.count(),
      audit: await OperationLog.count(),
      refunds: w.sim.transactions.get(paid.order.orderNo)!.refunds.length,
    });
    const before = await snapshot();
    const attempts: Array<[string, Record<string, string>]> = [
      [orderUrl(pending.order.id, 'queryWechat'), {}],
      [orderUrl(paid.order.id, 'refund'), { reason: '越权' }],
      [userUrl(active.user.id, 'freeze'), {}],
      [userUrl(frozen.user.id, 'unfreeze'), {}],
      [userUrl(active.user.id, 'adjustPoints'), { delta: '1000', memo: '越权' }],
      [userUrl(active.user.id, 'edit'), { status: '0' }],
    ];
    for (const who of ['agentAdmin', 'agent'] as const) {
      for (const [path, fields] of attempts) {
        for (const answer of [await as[who].getJson(path), await as[who].postJson(path, fields)]) {
          assert.ok(answer.status < 500, `${who} ${path}: HTTP ${answer.status}`);
          assert.ok(isRefused(answer), `${who} ${path} must be refused: ${JSON.stringify(answer.body).slice(0, 300)}`);
          assert.ok(answer.body.notice?.message, `${who} ${path}: a refusal says why`);
          assert.deepEqual(answer.body.record?.params ?? {}, {}, `${who} ${path} leaked the record`);
        }
      }
    }
    assert.deepEqual(await snapshot(), before);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: active.token })).status, 200);

    // Over HTTP the scoped adapter already hides the rows; the policy gate refuses on its own too.
    for (const [resourceId, recordId, names] of [
      ['meta_order', paid.order.id, ['queryWechat', 'refund']],
      ['meta_user', active.user.id as string, ['freeze', 'unfreeze', 'adjustPoints']],
    ] as const) {
      const resource = adminJs.findResource(resourceId);
      const record = (await resource.findOne(recordId, { currentAdmin: sessions.root } as never))!;
      for (const name of names) {
        const action = resource.decorate().actions[name]!;
        assert.equal(action.isAccessible(sessions.root as never, record), true, `${resourceId}.${name} for the super admin`);
        for (const who of ['agentAdmin', 'agent'] as const) {
          assert.equal(action.isAccessible(sessions[who] as never, record), false, `${resourceId}.${name} for ${who}`);
        }
      }
    }
  });
});
