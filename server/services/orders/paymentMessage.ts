import { z } from 'zod';
import { config } from '../../config.js';
import { logger } from '../../logger.js';
import { MiniUser, Order, Package } from '../../models/index.js';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { WechatError, wechatMini } from '../../wechat/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { OrderStatus } from './orderStatus.js';
import { chinaWallClock } from '../../lib/chinaTime.js';

/** Where the message leads in the mini-program. */
const PAYMENT_MESSAGE_PAGE = 'pages/orders/index';

/** A claim left by a process that died mid-send expires, so a later retry can send. */
const CLAIM_TTL_SECONDS = 120;
const ENQUEUE_WAIT_MS = 2_000;

/** The user refused, or has no subscription left for this template: nothing to retry. */
const USER_REFUSED = 43101;
/** Answers that will not change on retry: bad openid, template id, page or data. */
const PERMANENT = new Set([40003, 40037, 41030, 47003]);

/** WeChat rejected the message for good (or it cannot be built): the job stops without retrying. */
export class PaymentMessageRejected extends Error {
  readonly permanent = true;
}

export type PaymentMessageOutcome =
  | { status: 'sent'; touser: string }
  | { status: 'disabled' | 'user_opted_out' | 'not_paid' | 'no_openid' | 'already_sent' | 'refused'; touser?: string };

const jobId = (orderId: string) => `payment-success:${orderId}`;

/**
 * Queues the message for an order that has just been credited. Called by applyTransaction AFTER
 * its transaction committed (never inside it); off when no template is configured. The job id is
 * the order's, so the order can never have two jobs. Never throws and never waits long: the
 * payment is already booked, a lost message must not turn the notification into an error.
 */
export async function queuePaymentSuccessMessage(orderId: string): Promise<void> {
  const work = (async () => {
    if (!(await getSetting('notification.wechat_payment_success_template'))) return;
    await paymentMessageJob.enqueue({ orderId }, { jobId: jobId(orderId) });
  })().catch((err: unknown) => logger().error({ err, orderId }, 'could not queue the payment-success message'));
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger().error({ orderId }, 'queueing the payment-success message is taking too long; not waiting for it');
      resolve();
    }, ENQUEUE_WAIT_MS);
  });
  await Promise.race([work, gaveUp]);
  clearTimeout(timer);
}

/** Trims a value to what WeChat accepts for the keyword's type (thing1 → at most 20 characters, …). */
function fit(key: string, value: string): string {
  const type = key.replace(/\d+$/, '');
  const limit = type === 'thing' ? 20 : type === 'phrase' ? 5 : type === 'character_string' || type === 'number' ? 32 : undefined;
  const chars = Array.from(value);
  return limit && chars.length > limit ? chars.slice(0, limit).join('') : value;
}

/** The template data: the configured keywords, in order, for package, amount, points and paid time. */
async function messageData(order: Order): Promise<Record<string, { value: string }>> {
  const keys = (await getSetting('notification.wechat_payment_success_fields')).split(',').map((k) => k.trim());
  const pkg = order.packageId ? await Package.findByPk(order.packageId, { attributes: ['name'] }) : null;
  const values = [
    pkg?.name || '积分充值',
    `${order.totalAmount}元`,
    String(order.points + order.bonusPoints),
    chinaWallClock(order.paidAt ?? order.updatedAt).replace('T', ' '),
  ];
  const data: Record<string, { value: string }> = {};
  keys.forEach((key, i) => {
    if (key) data[key] = { value: fit(key, values[i]!) };
  });
  return data;
}

/**
 * Sends the "支付成功" subscribe message of a paid order, at most once: a claim on the order row
 * (taken before the call, 'sent' after it) stops a second send from a re-queued job or a retry
 * after success. A user without an openid, or one who refused the template (43101), is logged
 * and skipped — not an error. A permanent WeChat refusal throws PaymentMessageRejected; anything
 * else (busy, network, token) throws the WechatError so the job is retried with backoff.
 */
export async function sendPaymentSuccessMessage(orderId: string): Promise<PaymentMessageOutcome> {
  const log = logger().child({ component: 'payment-message', orderId });
  const templateId = await getSetting('notification.wechat_payment_success_template');
  if (!templateId) return { status: 'disabled' };
  const order = await Order.findByPk(orderId);
  if (!order || order.paymentStatus !== OrderStatus.paid) return { status: 'not_paid' };
  const user = await MiniUser.findByPk(order.userId, { attributes: ['openid', 'paymentReminder'] });
  if (user && !user.paymentReminder) return { status: 'user_opted_out' };
  const touser = user?.openid || order.wxPayerOpenid;
  if (!touser) {
    log.info('payment-success message skipped: the user has no openid');
    return { status: 'no_openid' };
  }

  // The claim lives in PostgreSQL, beside the order: a Redis restart cannot make the message go twice.
  const claimed = await db().query<{ id: string }>(
    `UPDATE meta_order SET payment_message_state = 'sending', payment_message_claimed_at = now()
      WHERE id = :id AND (payment_message_state IS NULL
        OR (payment_message_state = 'sending' AND payment_message_claimed_at < now() - make_interval(secs => :ttl)))
      RETURNING id`,
    { replacements: { id: orderId, ttl: CLAIM_TTL_SECONDS }, type: QueryTypes.SELECT },
  );
  if (!claimed[0]) {
    const [row] = await db().query<{ state: string }>('SELECT payment_message_state AS state FROM meta_order WHERE id = :id', {
      replacements: { id: orderId },
      type: QueryTypes.SELECT,
    });
    if (row?.state === 'sending') throw new Error(`payment-success message for ${orderId} is being sent by another attempt`);
    return { status: 'already_sent', touser };
  }
  try {
    await wechatMini().sendSubscribeMessage({ touser, templateId, page: PAYMENT_MESSAGE_PAGE, data: await messageData(order) });
  } catch (err) {
    const code = err instanceof WechatError ? Number(err.wxCode) : undefined;
    if (code === USER_REFUSED) {
      await setState(orderId, 'refused');
      log.info({ touser, wxCode: code }, 'payment-success message not sent: the user has not subscribed (43101)');
      return { status: 'refused', touser };
    }
    await setState(orderId, null);
    log.warn({ touser, wxCode: code, err: (err as Error).message }, 'payment-success message failed');
    if (code !== undefined && PERMANENT.has(code)) throw new PaymentMessageRejected((err as Error).message);
    throw err;
  }
  await setState(orderId, 'sent');
  log.info({ touser, templateId }, 'payment-success message sent');
  return { status: 'sent', touser };
}

async function setState(orderId: string, state: 'sent' | 'refused' | null): Promise<void> {
  await db().query('UPDATE meta_order SET payment_message_state = :state WHERE id = :id', { replacements: { id: orderId, state } });
}

/**
 * Paid orders of the last `withinHours` whose message was never claimed (its job was lost with
 * Redis) are queued again under the order's job id. Part of the recovery sweep; a no-op while no
 * template is configured.
 */
export async function resumePaymentMessages(withinHours = 24): Promise<number> {
  if (!(await getSetting('notification.wechat_payment_success_template'))) return 0;
  const rows = await db().query<{ id: string }>(
    `SELECT id FROM meta_order WHERE payment_status = :paid AND payment_message_state IS NULL
        AND paid_at > now() - make_interval(hours => :h) ORDER BY paid_at LIMIT 1000`,
    { replacements: { paid: OrderStatus.paid, h: withinHours }, type: QueryTypes.SELECT },
  );
  for (const r of rows) await paymentMessageJob.enqueue({ orderId: r.id }, { jobId: jobId(r.id) });
  return rows.length;
}

export const paymentMessageJob = defineJob({
  name: 'orders.payment-success-message',
  queue: 'notifications',
  description: 'Send the WeChat subscribe message "支付成功" for a credited order (once per order; 43101 / no openid are skipped, busy or network errors retried with backoff)',
  data: z.object({ orderId: z.string().uuid() }),
  options: () => ({ attempts: 6, backoff: { type: 'exponential', delay: config().isTest ? 20 : 10_000 } }),
  run: async ({ orderId }, { job }) => {
    try {
      return await sendPaymentSuccessMessage(orderId);
    } catch (err) {
      // A refusal that cannot change: fail for good now (the worker writes the system log).
      if (err instanceof PaymentMessageRejected && job) await job.discard();
      throw err;
    }
  },
});
