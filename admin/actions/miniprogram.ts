import { ValidationError, type ActionContext, type ActionRequest, type ActionResponse } from 'adminjs';
import { inTransaction } from '../../server/db/index.js';
import { MiniUser } from '../../server/models/index.js';
import { allowAction } from '../../server/policies/access.js';
import { recordOperation } from '../../server/services/audit/operationLog.js';
import { setMiniUserStatus } from '../../server/services/miniUsers/index.js';
import { adminQueryWechat, adminRefundOrder, OrderStatus } from '../../server/services/orders/index.js';
import { adjustPoints } from '../../server/services/points/index.js';
import { WechatError } from '../../server/wechat/errors.js';
import { Components } from '../componentLoader.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';

/**
 * Back-office actions of the mini-program business (super admin only): 向微信查询 / 标记退款 on
 * orders, 冻结 / 解冻 / 调整积分 on mini-program users. Each is a thin caller of the orders,
 * miniUsers or points service. `isAccessible` stays the policy alone (plus "a record was loaded
 * through the scoped adapter"): whether the action applies to the record's current state is
 * decided in the handler, so a refusal always names its reason instead of a generic "forbidden".
 */
allowAction('meta_order', 'queryWechat', ['super_admin']);
allowAction('meta_order', 'refund', ['super_admin']);
allowAction('meta_user', 'freeze', ['super_admin']);
allowAction('meta_user', 'unfreeze', ['super_admin']);
allowAction('meta_user', 'adjustPoints', ['super_admin']);

type Params = Record<string, unknown>;

const STATUS_LABELS: Record<number, string> = { 0: '待支付', 1: '已支付', 2: '已关闭', 3: '已退款' };
const TEXT_MAX = 200;
const POINTS_MAX = 100_000_000;
const DAY_MS = 86_400_000;
// Same "long-term" expiry as a redeemed card key without a duration.
const NO_EXPIRY = new Date('2099-12-31T15:59:59Z');


const refuse = (message: string, type = 'not_applicable', field?: string) =>
  new ValidationError(field ? { [field]: { message } } : {}, { message, type });

const payloadOf = (request: ActionRequest): Params => (request.payload ?? {}) as Params;

function requiredText(value: unknown, field: string, label: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw refuse(`请填写${label}`, 'invalid', field);
  if (text.length > TEXT_MAX) throw refuse(`${label}不能超过 ${TEXT_MAX} 个字`, 'invalid', field);
  return text;
}

/** The record the action runs on, as the scoped adapter loaded it for this request. */
function recordOf(context: ActionContext): { id: string; params: Params } {
  const record = context.record!;
  return { id: String(record.id()), params: record.params as Params };
}

// WeChat unreachable or answering an error is an outcome to show, not a server failure.
async function atWechat<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WechatError) {
      const detail = err.httpStatus === 0 ? '无法连接微信支付' : `微信返回 ${err.wxCode}`;
      throw refuse(`${detail}，请稍后重试`, 'wechat');
    }
    throw err;
  }
}

const hasRecord = (context: ActionContext): boolean => Boolean(context.record);

function done(context: ActionContext, resourceId: string, id: string, message: string, record = context.record!): ActionResponse {
  return {
    record: record.toJSON(context.currentAdmin),
    notice: { message, type: 'success' },
    redirectUrl: context.h.recordActionUrl({ resourceId, recordId: id, actionName: 'show' }),
  };
}

async function reload(context: ActionContext, id: string) {
  return (await context.resource.findOne(id, context)) ?? context.record!;
}

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
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const { id, params } = recordOf(context);
      if (!params.wxPrepayId) throw refuse('该订单尚未发起微信支付，微信没有这笔交易，无需查询');
      const before = Number(params.paymentStatus);
      const after = await atWechat(() => adminQueryWechat({ orderId: id, actor: sessionActor(context), ip: requestIp(request) ?? undefined }));
      const outcome =
        after.paymentStatus === before
          ? `订单状态未变（${STATUS_LABELS[before]}）`
          : `订单状态 ${STATUS_LABELS[before]} → ${STATUS_LABELS[after.paymentStatus]}`;
      return done(context, 'meta_order', id, `已向微信查询：${outcome}`, await reload(context, id));
    },
  },
  refund: {
    actionType: 'record',
    icon: 'CornerUpLeft',
    component: Components.QuotaActionForm,
    isAccessible: hasRecord,
    custom: {
      title: '标记退款',
      description: '向微信发起全额退款，并从该订单的积分批次中扣除剩余积分（已消费的不追回），订单标记为已退款。',
      submitLabel: '确认退款',
      summary: orderSummary,
      fields: [{ name: 'reason', label: '退款原因', type: 'textarea', required: true }],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const { id, params } = recordOf(context);
      const status = Number(params.paymentStatus);
      if (status !== OrderStatus.paid) throw refuse(`只有已支付的订单可以退款（当前：${STATUS_LABELS[status] ?? status}）`);
      const reason = requiredText(payloadOf(request).reason, 'reason', '退款原因');
      const result = await atWechat(() => adminRefundOrder({ orderId: id, reason, actor: sessionActor(context), ip: requestIp(request) ?? undefined }));
      return done(
        context,
        'meta_order',
        id,
        `已退款：微信退款单 ${result.refundId}，扣除积分 ${result.pointsRemoved}，用户剩余积分 ${result.balance}`,
        await reload(context, id),
      );
    },
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
  handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const { id, params } = recordOf(context);
    const isFrozen = Number(params.status) === 0;
    if (frozen && isFrozen) throw refuse('该用户已是冻结状态');
    if (!frozen && !isFrozen) throw refuse('该用户未被冻结，无需解冻');
    await setMiniUserStatus({ userId: id, frozen, actor: sessionActor(context), ip: requestIp(request) ?? undefined });
    return done(context, 'meta_user', id, frozen ? '用户已冻结，其登录凭证已全部失效' : '用户已解冻', await reload(context, id));
  },
});

function parseDelta(value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^[+-]?\d+$/.test(text)) throw refuse('积分变动须为非零整数（正数增加，负数扣减）', 'invalid', 'delta');
  const delta = Number(text);
  if (delta === 0 || Math.abs(delta) > POINTS_MAX) throw refuse(`积分变动须为非零整数，绝对值不超过 ${POINTS_MAX}`, 'invalid', 'delta');
  return delta;
}

function parseExpiry(value: unknown): Date {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return NO_EXPIRY;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3650) throw refuse('有效期须为 1–3650 天（留空为长期有效）', 'invalid', 'expiresInDays');
  return new Date(Date.now() + Number(text) * DAY_MS);
}

/** 冻结 / 解冻 (through setMiniUserStatus: tokens die, audited) and 调整积分 on `meta_user`. */
export const miniUserAdminActions: Record<string, DomainAction> = {
  freeze: statusAction(true),
  unfreeze: statusAction(false),
  adjustPoints: {
    actionType: 'record',
    icon: 'PlusCircle',
    component: Components.QuotaActionForm,
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
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const { id } = recordOf(context);
      const p = payloadOf(request);
      const delta = parseDelta(p.delta);
      const memo = requiredText(p.memo, 'memo', '备注');
      const expiresAt = delta > 0 ? parseExpiry(p.expiresInDays) : undefined;
      const actor = sessionActor(context);
      const ip = requestIp(request);
      const { balance } = await inTransaction(async (t) => {
        // The user row is locked first, as every points change does, so "before" is exact.
        const before = await MiniUser.findByPk(id, { attributes: ['id', 'totalPoints'], transaction: t, lock: t.LOCK.UPDATE });
        if (!before) throw refuse('用户不存在', 'not_found');
        const result = await adjustPoints({ userId: id, delta, expiresAt, actorAdminId: actor.id, memo }, t);
        await recordOperation(
          {
            actor,
            ownerId: null,
            action: 'mini_user.adjust_points',
            resource: 'meta_user',
            recordId: id,
            before: { totalPoints: before.totalPoints },
            after: { totalPoints: result.balance, delta, memo, expiresAt: expiresAt?.toISOString() ?? null },
            ip,
          },
          t,
        );
        return result;
      });
      return done(context, 'meta_user', id, `积分已调整 ${delta > 0 ? '+' : ''}${delta}，当前积分 ${balance}`, await reload(context, id));
    },
  },
};
