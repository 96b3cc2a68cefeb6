import assert from 'node:assert/strict';
import { MiniUser, Order, SystemLog } from '../../../server/models/index.js';
import { paymentMessageJob, syncOrderWithWechat } from '../../../server/services/orders/index.js';
import { updateSetting } from '../../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { queue } from '../../../server/queues/queue.js';
import { startWorker, type RunningWorker } from '../../../worker/index.js';
import { until } from '../../support/until.js';
import { assertPointsBooksBalance, seedPackage, startWorld, type World } from '../../support/miniApi.js';

const TEMPLATE = 'Tpl_PaySuccess-0123456789abcdefABCDEF';

interface SentMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
}

describe('"支付成功" subscribe message after a WeChat Pay order is credited (simulator + worker)', function () {
  this.timeout(60_000);
  let w: World;
  let worker: RunningWorker;
  let pkg: { id: string; name: string };
  let actor: { id: number; role: string };

  before(async () => {
    w = await startWorld();
    pkg = (await seedPackage({ price: '50.00', points: 600, promotion: { promoType: 2, minAmount: '30.00', reduceAmount: '5.00', bonusPoints: 60 } })).pkg;
    const admin = await createAdminUser({ username: 'msg_admin', password: 'abcd1234', role: 'super_admin' });
    actor = { id: admin.id, role: 'super_admin' };
    worker = await startWorker({ only: ['notifications'] });
  });
  after(async () => {
    await updateSetting('notification.wechat_payment_success_template', '', actor);
    await worker.close();
    await w.restore();
  });
  beforeEach(() => updateSetting('notification.wechat_payment_success_template', TEMPLATE, actor));
  afterEach(assertPointsBooksBalance);

  const messagesTo = (openid: string) => (w.sim.subscribeMessages as SentMessage[]).filter((m) => m.touser === openid);
  const sendAttempts = (since: number) => w.sim.requests.slice(since).filter((r) => r.endpoint === 'subscribe_send');
  const jobOf = (orderId: string) => queue('notifications').getJob(`payment-success:${orderId}`);

  /** The order's message job has finished (completed or failed for good). */
  async function finished(orderId: string) {
    return until(async () => {
      const job = await jobOf(orderId);
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return false;
      // Read the job again: it may have finished between getJob and getState (its returnvalue then was null).
      return { job: (await jobOf(orderId))!, state };
    }, `the message job of ${orderId}`);
  }

  async function paidOrder(opts: { notify?: boolean } = {}) {
    const u = await w.api.login(w.sim);
    const created = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkg.id } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pay = await w.api.call('POST', `/api/orders/${created.body.data.id}/pay`, { token: u.token });
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    const order = created.body.data as { id: string; orderNo: string };
    const tx = w.sim.pay(order.orderNo, { lose: !opts.notify });
    return { u, order, tx };
  }

  const notify = (orderNo: string) => {
    const { headers, body } = w.sim.notification(orderNo);
    return fetch(`${w.server.url}/api/pay/wechat/notify`, { method: 'POST', headers, body }).then((r) => r.status);
  };

  it('one message per paid order, with the template, page and data, though the notification arrives 5 times at once and the order is queried too', async () => {
    const { u, order, tx } = await paidOrder();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => notify(order.orderNo)),
      syncOrderWithWechat(order.id).then((o) => o.paymentStatus),
      syncOrderWithWechat(order.id).then((o) => o.paymentStatus),
    ]);
    assert.deepEqual(results, [204, 204, 204, 204, 204, 1, 1]);
    const { job, state } = await finished(order.id);
    assert.equal(state, 'completed');
    assert.deepEqual(job.returnvalue, { status: 'sent', touser: u.openid });
    // Later deliveries and queries of the paid order queue nothing new.
    assert.equal(await notify(order.orderNo), 204);
    await syncOrderWithWechat(order.id);

    const sent = messagesTo(u.openid);
    assert.equal(sent.length, 1, 'exactly one message');
    const paidAt = new Date(new Date(tx.success_time!).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    assert.deepEqual(sent[0], {
      touser: u.openid,
      template_id: TEMPLATE,
      page: 'pages/orders/index',
      data: {
        thing1: { value: pkg.name },
        amount2: { value: '45.00元' },
        number3: { value: '660' },
        time4: { value: paidAt },
      },
    });
    assert.equal((await MiniUser.findByPk(u.user.id))!.totalPoints, 660);
    // The job run again (a re-queue, an operator's job:run) finds the sent-marker.
    assert.deepEqual(await paymentMessageJob.runNow({ orderId: order.id }), { status: 'already_sent', touser: u.openid });
    assert.equal(messagesTo(u.openid).length, 1);
  });

  it('an order credited by the query (lost notification) gets its message once; the late notification adds none', async () => {
    const { u, order } = await paidOrder();
    assert.equal((await syncOrderWithWechat(order.id)).paymentStatus, 1);
    assert.equal(await notify(order.orderNo), 204);
    assert.equal((await finished(order.id)).state, 'completed');
    assert.equal(messagesTo(u.openid).length, 1);
  });

  it('sends nothing when no template is configured', async () => {
    await updateSetting('notification.wechat_payment_success_template', '', actor);
    const { u, order } = await paidOrder({ notify: true });
    await w.sim.settled();
    assert.deepEqual(w.sim.deliveriesFor(order.orderNo).map((d) => d.status), [204]);
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 1);
    // The job would have been queued before the notification was answered.
    assert.equal(await jobOf(order.id), null, 'no job queued');
    assert.deepEqual(await paymentMessageJob.runNow({ orderId: order.id }), { status: 'disabled' });
    assert.equal(messagesTo(u.openid).length, 0);
  });

  it('the user switched the reminder off (PATCH /api/user/settings): the job sends nothing; switched on again, it sends', async () => {
    const { u, order } = await paidOrder();
    const off = await w.api.call('PATCH', '/api/user/settings', { token: u.token, body: { paymentReminder: false } });
    assert.deepEqual(off.body.data, { paymentReminder: false, paymentReminderTemplateId: TEMPLATE });
    await syncOrderWithWechat(order.id);
    const { job, state } = await finished(order.id);
    assert.equal(state, 'completed');
    assert.deepEqual(job.returnvalue, { status: 'user_opted_out' });
    assert.equal(messagesTo(u.openid).length, 0);
    await w.api.call('PATCH', '/api/user/settings', { token: u.token, body: { paymentReminder: true } });
    assert.deepEqual(await paymentMessageJob.runNow({ orderId: order.id }), { status: 'sent', touser: u.openid });
  });

  it('WeChat busy once: the job is retried and the message sent once', async () => {
    const since = w.sim.requests.length;
    w.sim.inject('subscribe_send', { kind: 'fail', status: 200, body: { errcode: -1, errmsg: 'system error' } });
    const { u, order } = await paidOrder({ notify: true });
    const { job, state } = await finished(order.id);
    assert.equal(state, 'completed');
    assert.equal(job.returnvalue.status, 'sent');
    assert.deepEqual(sendAttempts(since).map((r) => r.ok), [false, true], 'one failure, one retry');
    assert.equal(messagesTo(u.openid).length, 1);
  });

  it('43101 (user has not subscribed): not retried, nothing sent, the order stays paid and credited', async () => {
    const since = w.sim.requests.length;
    w.sim.inject('subscribe_send', { kind: 'fail', status: 200, body: { errcode: 43101, errmsg: 'user refuse to accept the msg' } });
    const { u, order } = await paidOrder({ notify: true });
    const { job, state } = await finished(order.id);
    assert.equal(state, 'completed');
    assert.deepEqual(job.returnvalue, { status: 'refused', touser: u.openid });
    assert.equal(sendAttempts(since).length, 1, 'asked WeChat once');
    assert.equal(messagesTo(u.openid).length, 0);
    assert.equal((await Order.findByPk(order.id))!.paymentStatus, 1);
    assert.equal((await MiniUser.findByPk(u.user.id))!.totalPoints, 660);
  });

  it('a permanent refusal (40037 invalid template) fails the job for good at once, in the system log', async () => {
    const since = w.sim.requests.length;
    w.sim.inject('subscribe_send', { kind: 'fail', status: 200, body: { errcode: 40037, errmsg: 'invalid template_id' } });
    const { u, order } = await paidOrder({ notify: true });
    const { state } = await finished(order.id);
    assert.equal(state, 'failed');
    assert.equal(sendAttempts(since).length, 1, 'not retried');
    const log = await until(() =>
      SystemLog.findAll({ where: { source: `job:${paymentMessageJob.name}` } }).then((rows) =>
        rows.find((r) => (r.context as { data?: { orderId?: string } }).data?.orderId === order.id),
      ),
    );
    assert.equal(log.level, 'error');
    assert.match(log.message, /40037/);
    assert.equal((await MiniUser.findByPk(u.user.id))!.totalPoints, 660);
  });
});
