import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MiniUser, Order } from '../../models/index.js';
import { paymentMessageJob } from './index.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from '../identity/createAdminUser.js';

// Sending (and retries, 43101, duplicates) is tested against the WeChat simulator in
// test/routes/api/paymentMessage.test.ts; these are the cases that never reach WeChat.
describe('worker job: orders.payment-success-message', () => {
  let actor: { id: number; role: string };
  let productId: string;

  before(async () => {
    const admin = await createAdminUser({ username: 'msg_job_admin', password: 'abcd1234', role: 'super_admin' });
    actor = { id: admin.id, role: 'super_admin' };
    const [product] = (await MiniUser.sequelize!.query(
      `INSERT INTO meta_product (name, product_type, point_amount, original_price, sale_price) VALUES (:name, 1, 10, 1, 1) RETURNING id`,
      { replacements: { name: `msg-job-${randomUUID()}` }, type: 'SELECT' },
    )) as Array<{ id: string }>;
    productId = product!.id;
    await updateSetting('notification.wechat_payment_success_template', 'tpl_job_test', actor);
  });
  after(() => updateSetting('notification.wechat_payment_success_template', '', actor));

  async function order(openid: string, paymentStatus: number) {
    const user = await MiniUser.create({ openid });
    return Order.create({
      orderNo: `SHMSG${Date.now()}${Math.floor(Math.random() * 1000)}`,
      userId: user.id,
      productId,
      originalAmount: '1.00',
      discountAmount: '0.00',
      totalAmount: '1.00',
      points: 10,
      bonusPoints: 0,
      paymentStatus,
      paidAt: paymentStatus === 1 ? new Date() : null,
      expiresAt: new Date(Date.now() + 60_000),
    });
  }

  it('skips an order that is not paid (pending, or refunded before the job ran)', async () => {
    for (const status of [0, 3]) {
      const o = await order(`o_${randomUUID()}`, status);
      assert.deepEqual(await paymentMessageJob.runNow({ orderId: o.id }), { status: 'not_paid' });
    }
  });

  it('skips a user without an openid (logged, not an error)', async () => {
    const o = await order('', 1);
    assert.deepEqual(await paymentMessageJob.runNow({ orderId: o.id }), { status: 'no_openid' });
  });

  it('skips everything while no template is configured', async () => {
    const o = await order(`o_${randomUUID()}`, 1);
    await updateSetting('notification.wechat_payment_success_template', '', actor);
    try {
      assert.deepEqual(await paymentMessageJob.runNow({ orderId: o.id }), { status: 'disabled' });
    } finally {
      await updateSetting('notification.wechat_payment_success_template', 'tpl_job_test', actor);
    }
  });

  it('refuses a template id or keyword list WeChat could not have issued', async () => {
    await assert.rejects(updateSetting('notification.wechat_payment_success_template', 'tpl with spaces', actor), /INVALID_SETTING|无效/);
    await assert.rejects(updateSetting('notification.wechat_payment_success_template', 'x'.repeat(129), actor), /无效/);
    await assert.rejects(updateSetting('notification.wechat_payment_success_fields', 'thing1,amount2', actor), /无效/);
    await updateSetting('notification.wechat_payment_success_fields', 'thing3, amount1,,date2', actor);
    await updateSetting('notification.wechat_payment_success_fields', 'thing1,amount2,number3,time4', actor);
  });
});
