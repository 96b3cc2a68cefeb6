import { setMiniUserStatus } from '../../server/services/miniUsers/index.js';
import { adminQueryWechat, adminRefundOrder } from '../../server/services/orders/index.js';
import { ORDER_STATUS_LABELS, ORDER_STATUS_NAMES } from '../../server/services/orders/orderStatus.js';
import { adjustPoints } from '../../server/services/points/index.js';
import { WechatError } from '../../server/wechat/errors.js';
import { Components } from '../componentLoader.js';
import type { DomainAction } from '../resources/define.js';
import { commandHandler, hasRecord, paramsOf, refuse, spoken } from './helpers.js';
import { joinLocalized, say, type Localized } from '../../server/i18n.js';

/**
 * Back-office actions of the mini-program business (super admin only): 向微信查询 / 标记退款 on
 * orders, 冻结 / 解冻 / 调整积分 on mini-program users. Each is a thin caller of the orders,
 * miniUsers or points service, which owns the rules (state checks, limits, audit) and says why it
 * refuses. `isAccessible` stays the policy alone (plus "a record was loaded through the scoped adapter").
 */

// WeChat unreachable or answering an error is an outcome to show, not a server failure.
async function atWechat<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WechatError) {
      const detail = err.httpStatus === 0 ? say('无法连接微信支付', 'WeChat Pay cannot be reached') : say(`微信返回 ${err.wxCode}`, `WeChat answered ${err.wxCode}`);
      throw refuse(spoken(joinLocalized([detail, say('，请稍后重试', '; please try again later')])), 'wechat');
    }
    throw err;
  }
}

/** An order status as the admin reads it. */
const statusText = (code: number): string | Localized => ORDER_STATUS_LABELS[ORDER_STATUS_NAMES[code]!] ?? String(code);

const orderSummary = [
  { label: '订单号', path: 'orderNo' },
  { label: '金额', path: 'totalAmount' },
  { label: '积分', path: 'points' },
];

/** 向微信查询 and 标记退款 on `meta_order`. */
export const orderAdminActions: Record<string, DomainAction> = {
  queryWechat: {
    actionType: 'record',
    icon: 'RefreshCw',
    component: Components.ConfirmAction,
    isAccessible: hasRecord,
    custom: {
      title: '向微信查询',
      description: '立即向微信支付查询这笔订单并按结果处理：已支付则入账积分（只入账一次），已关闭则关闭订单。',
      submitLabel: '立即查询',
    },
    handler: commandHandler(
      'meta_order',
      async ({ actor, id, ip, context }) => {
        const params = paramsOf(context);
        if (!params.wxPrepayId) throw refuse(spoken(say('该订单尚未发起微信支付，微信没有这笔交易，无需查询', 'This order was never sent to WeChat Pay: WeChat has no such transaction to query'), context));
        const before = Number(params.paymentStatus);
        const after = await atWechat(() => adminQueryWechat({ orderId: id, actor, ip: ip ?? undefined }));
        const outcome =
          after.paymentStatus === before
            ? joinLocalized([say('订单状态未变（', 'The order status did not change ('), statusText(before), say('）', ')')])
            : joinLocalized([say('订单状态 ', 'Order status '), statusText(before), ' → ', statusText(after.paymentStatus)]);
        return joinLocalized([say('已向微信查询：', 'Asked WeChat: '), outcome]);
      },
      'show',
    ),
  },
  refund: {
    actionType: 'record',
    icon: 'CornerUpLeft',
    component: Components.CommandForm,
    isAccessible: hasRecord,
    custom: {
      title: '标记退款',
      description: '向微信发起全额退款，并从该订单的积分批次中扣除剩余积分（已消费的不追回），订单标记为已退款。',
      submitLabel: '确认退款',
      summary: orderSummary,
      fields: [{ name: 'reason', label: '退款原因', type: 'textarea', required: true }],
    },
    handler: commandHandler(
      'meta_order',
      async ({ actor, id, ip, payload }) => {
        const result = await atWechat(() => adminRefundOrder({ orderId: id, reason: payload.reason, actor, ip: ip ?? undefined }));
        return say(`已退款：微信退款单 ${result.refundId}，扣除积分 ${result.pointsRemoved}，用户剩余积分 ${result.balance}`, `Refunded: WeChat refund ${result.refundId}, ${result.pointsRemoved} points taken back, the user has ${result.balance} points left`);
      },
      'show',
    ),
  },
};

const userSummary = [
  { label: '昵称', path: 'nickname' },
  { label: 'OpenID', path: 'openid' },
  { label: '当前积分', path: 'totalPoints' },
];

const statusAction = (frozen: boolean): DomainAction => ({
  actionType: 'record',
  icon: frozen ? 'Lock' : 'Unlock',
  component: Components.ConfirmAction,
  isAccessible: hasRecord,
  custom: frozen
    ? { title: '冻结用户', description: '冻结后该用户已登录的会话立即失效，且无法再登录，直到解冻。', submitLabel: '确认冻结' }
    : { title: '解冻用户', description: '解冻后该用户可以重新登录小程序。', submitLabel: '确认解冻' },
  handler: commandHandler(
    'meta_user',
    async ({ actor, id, ip }) => {
      await setMiniUserStatus({ userId: id, frozen, actor, ip: ip ?? undefined });
      return frozen ? say('用户已冻结，其登录凭证已全部失效', 'User frozen; all their login tokens are void') : say('用户已解冻', 'User unfrozen');
    },
    'show',
  ),
});

/** 冻结 / 解冻 (through setMiniUserStatus: tokens die, audited) and 调整积分 on `meta_user`. */
export const miniUserAdminActions: Record<string, DomainAction> = {
  freeze: statusAction(true),
  unfreeze: statusAction(false),
  adjustPoints: {
    actionType: 'record',
    icon: 'PlusCircle',
    component: Components.CommandForm,
    isAccessible: hasRecord,
    custom: {
      title: '调整积分',
      description: '正数为增加（新建一个积分批次），负数为扣减（按到期先后扣除）；每次调整都记入积分流水和操作日志。',
      submitLabel: '确认调整',
      summary: userSummary,
      fields: [
        { name: 'delta', label: '积分变动（如 100 或 -50）', required: true },
        { name: 'memo', label: '备注', type: 'textarea', required: true },
        { name: 'expiresInDays', label: '增加积分的有效期（天，留空为长期有效）', placeholder: '例如 365' },
      ],
    },
    handler: commandHandler(
      'meta_user',
      async ({ actor, id, ip, payload: { delta, memo, expiresInDays } }) => {
        const { balance, delta: change } = await adjustPoints({ userId: id, delta, memo, expiresInDays, actor, ip });
        return say(`积分已调整 ${change > 0 ? '+' : ''}${change}，当前积分 ${balance}`, `Points adjusted by ${change > 0 ? '+' : ''}${change}; the user now has ${balance}`);
      },
      'show',
    ),
  },
};
