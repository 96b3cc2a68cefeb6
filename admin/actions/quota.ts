import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { say, type Localized } from '../../server/i18n.js';
import { QuotaAccount } from '../../server/models/index.js';
import {
  cancelWithdrawal,
  rechargeUser,
  requestWithdrawal,
  reviewTransfer,
  reviewHeldWithdrawal,
  reviewWithdrawal,
  transferQuota,
  type ReviewedStatus,
} from '../../server/services/quota/index.js';
import { Components } from '../componentLoader.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';
import { manageable } from './identity.js';
import { done, idOf, payloadOf, statusIs } from './helpers.js';

/**
 * The quota actions of the back office: 充值 (admin users), 转账 (transfers), 申请提现 / 审核 / 撤销
 * (withdrawals), 审核 (held transfers). Each is a thin caller of the quota service, which checks the
 * actor again and does the work in one transaction; `isAccessible` (synchronous, as AdminJS
 * requires) only decides whether the button and the route exist for this admin and record.
 */

const meta = (request: ActionRequest, context: ActionContext) => ({
  actor: sessionActor(context),
  ip: requestIp(request),
  idempotencyKey: typeof payloadOf(request).idempotencyKey === 'string' ? (payloadOf(request).idempotencyKey as string) : null,
});

const decisionField = {
  name: 'decision',
  label: '审核结果',
  type: 'select' as const,
  required: true,
  options: [
    { value: 'approve', label: '通过' },
    { value: 'reject', label: '拒绝' },
  ],
};

/** 审核 of a held transfer: 放行, 拒绝, or 部分处理 — let part through and return the rest. */
const transferDecisionField = {
  ...decisionField,
  options: [
    { value: 'approve', label: '放行' },
    { value: 'reject', label: '拒绝' },
    { value: 'partial', label: '部分处理' },
  ],
};

const transferReviewMessage: Record<ReviewedStatus, (approved: string) => Localized> = {
  completed: () => say('已放行，额度已转给接收方', 'Approved: the quota went to the recipient'),
  rejected: () => say('已拒绝，额度已解冻退回', 'Rejected: the quota is unfrozen and returned'),
  partial: (approved) => say(`已部分放行：${approved} 已转给接收方，其余额度已解冻退回`, `Partly approved: ${approved} went to the recipient, the rest is unfrozen and returned`),
};

/** The 审核 actions share one shape: the form's fields and the record's id go to the review command. */
function reviewHandler<R>(
  idField: string,
  fields: readonly string[],
  command: (input: ReturnType<typeof meta> & Record<string, unknown>) => Promise<R>,
  message: (result: R, payload: Record<string, unknown>) => Localized,
  resourceId: string,
) {
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const p = payloadOf(request);
    const result = await command({ ...meta(request, context), [idField]: idOf(context), ...Object.fromEntries(fields.map((f) => [f, p[f]])) });
    return done(context, message(result, p), resourceId, { request });
  };
}

/** What the form shows above a resource action: the acting admin's own balance and frozen amount. */
async function ownAccount(context: ActionContext): Promise<ActionResponse> {
  const account = await QuotaAccount.findByPk(sessionActor(context).id, { attributes: ['balance', 'frozen'] });
  return { account: { balance: account?.balance ?? '0.00', frozen: account?.frozen ?? '0.00' } };
}

/** 充值 on an admin user: super admin → system recharge; agent admin → from own balance to own agent. */
export const adminUserQuotaActions: Record<string, DomainAction> = {
  recharge: {
    actionType: 'record',
    icon: 'DollarSign',
    component: Components.CommandForm,
    isAccessible: (context) => manageable(context),
    custom: {
      title: '充值',
      description: '超级管理员充值为系统充值；代理管理员充值将从您自己的额度中扣除。',
      submitLabel: '确认充值',
      summary: [{ label: '用户', path: 'username' }],
      fields: [
        { name: 'amount', label: '充值额度', required: true, placeholder: '例如 100.00' },
        { name: 'memo', label: '备注', type: 'textarea' },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const p = payloadOf(request);
      const result = await rechargeUser({ ...meta(request, context), targetUserId: idOf(context), amount: p.amount, memo: p.memo });
      return done(context, say(`充值成功：${result.amount}，对方当前余额 ${result.targetBalance}`, `Recharged ${result.amount}; their balance is now ${result.targetBalance}`), 'quota_ledger', { request });
    },
  },
};

/** 转账 (a resource action on transfers) and 审核 of a transfer held for review. */
export const quotaTransferActions: Record<string, DomainAction> = {
  transfer: {
    actionType: 'resource',
    icon: 'Send',
    component: Components.CommandForm,
    custom: {
      title: '转账',
      description: '按用户名转账给其他用户。大额或短时间内多次转账需超级管理员审核，审核前额度冻结。',
      submitLabel: '确认转账',
      fields: [
        { name: 'recipientUsername', label: '接收方用户名', required: true },
        { name: 'amount', label: '转账额度', required: true, placeholder: '例如 100.00' },
        { name: 'memo', label: '备注', type: 'textarea' },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      if (request.method !== 'post') return ownAccount(context);
      const p = payloadOf(request);
      const result = await transferQuota({ ...meta(request, context), recipientUsername: p.recipientUsername, amount: p.amount, memo: p.memo });
      const message = result.status === 'completed' ? say(`转账成功：${result.amount}`, `Transferred ${result.amount}`) : say(`转账 ${result.amount} 需管理员审核，额度已冻结`, `The transfer of ${result.amount} waits for an admin's review; the quota is frozen`);
      return done(context, message, 'quota_transfers', { request });
    },
  },
  review: {
    actionType: 'record',
    icon: 'CheckSquare',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'pending_review'),
    custom: {
      title: '审核转账',
      submitLabel: '提交审核',
      summary: [
        { label: '转账额度', path: 'amount' },
        { label: '暂停原因', path: 'holdReason' },
      ],
      fields: [
        transferDecisionField,
        {
          name: 'approvedAmount',
          label: '放行额度（须大于 0 且小于转账额度，其余解冻退回）',
          required: true,
          placeholder: '例如 100.00',
          showWhen: { field: 'decision', value: 'partial' },
        },
        { name: 'opinion', label: '审核意见（拒绝或部分处理时必填）', type: 'textarea' },
      ],
    },
    handler: reviewHandler('transferId', ['decision', 'opinion', 'approvedAmount'], reviewTransfer, (r) => transferReviewMessage[r.status](r.approvedAmount), 'quota_transfers'),
  },
};

/** 申请提现, its 审核 (the applicant's agent admin or a super admin) and the applicant's 撤销. */
export const withdrawalActions: Record<string, DomainAction> = {
  requestWithdrawal: {
    actionType: 'resource',
    icon: 'CreditCard',
    component: Components.CommandForm,
    custom: {
      title: '申请提现',
      description: '申请的额度将被冻结，审核通过并线下打款后扣除，拒绝或撤销则解冻。',
      submitLabel: '提交申请',
      fields: [
        { name: 'amount', label: '提现额度', required: true, placeholder: '例如 100.00' },
        { name: 'accountInfo', label: '收款账户信息（开户行、账号、户名或支付宝账号）', type: 'textarea', required: true },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      if (request.method !== 'post') return ownAccount(context);
      const p = payloadOf(request);
      const result = await requestWithdrawal({ ...meta(request, context), amount: p.amount, accountInfo: p.accountInfo });
      const message = result.holdReason
        ? say(`提现申请已提交：${result.amount}，需超级管理员风险审核，额度已冻结`, `Withdrawal of ${result.amount} requested; it waits for a super admin's risk review, the quota is frozen`)
        : say(`提现申请已提交：${result.amount}，等待审核`, `Withdrawal of ${result.amount} requested, waiting for review`);
      return done(context, message, 'withdrawals', { request });
    },
  },
  review: {
    actionType: 'record',
    icon: 'CheckSquare',
    component: Components.CommandForm,
    // Who may review which withdrawal is the withdrawals policy (given the record); here only its state.
    isAccessible: (context) => statusIs(context, 'pending'),
    custom: {
      title: '审核提现',
      submitLabel: '提交审核',
      summary: [
        { label: '提现额度', path: 'amount' },
        { label: '收款账户', path: 'accountInfo' },
      ],
      fields: [
        decisionField,
        { name: 'paymentReference', label: '打款流水号（通过时必填，请先线下打款）' },
        { name: 'opinion', label: '审核意见（拒绝时必填）', type: 'textarea' },
      ],
    },
    handler: reviewHandler('withdrawalId', ['decision', 'opinion', 'paymentReference'], reviewWithdrawal, (r) =>
      r.status === 'approved' ? say('已通过，冻结额度已扣除', 'Approved: the frozen quota is deducted') : say('已拒绝，额度已解冻', 'Rejected: the quota is unfrozen'), 'withdrawals'),
  },
  reviewHold: {
    actionType: 'record',
    icon: 'AlertTriangle',
    component: Components.CommandForm,
    // Super admins only (the withdrawals policy, reviewHold); here only the state.
    isAccessible: (context) => statusIs(context, 'pending_review'),
    custom: {
      title: '异常提现审核',
      description: '放行：进入打款审核；拒绝：额度解冻退回；部分处理：部分额度进入打款审核，其余解冻退回。',
      submitLabel: '提交审核',
      summary: [
        { label: '提现额度', path: 'amount' },
        { label: '暂停原因', path: 'holdReason' },
      ],
      fields: [
        transferDecisionField,
        {
          name: 'approvedAmount',
          label: '放行额度（须大于 0 且小于提现额度，其余解冻退回）',
          required: true,
          placeholder: '例如 100.00',
          showWhen: { field: 'decision', value: 'partial' },
        },
        { name: 'opinion', label: '审核意见（拒绝或部分处理时必填）', type: 'textarea' },
      ],
    },
    handler: reviewHandler('withdrawalId', ['decision', 'opinion', 'approvedAmount'], reviewHeldWithdrawal, (r, p) =>
      r.status === 'rejected'
        ? say('已拒绝，额度已解冻退回', 'Rejected: the quota is unfrozen and returned')
        : p.decision === 'partial'
          ? say('已部分放行：放行部分进入打款审核，其余额度已解冻退回', 'Partly released: that part goes on to payment review, the rest is unfrozen and returned')
          : say('已放行，进入打款审核', 'Released: it goes on to payment review'), 'withdrawals'),
  },
  cancel: {
    actionType: 'record',
    icon: 'XCircle',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'pending', 'pending_review'),
    custom: {
      title: '撤销提现申请',
      description: '撤销后冻结的额度将解冻。',
      submitLabel: '确认撤销',
      summary: [{ label: '提现额度', path: 'amount' }],
      fields: [],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      await cancelWithdrawal({ ...meta(request, context), withdrawalId: idOf(context) });
      return done(context, say('提现申请已撤销，额度已解冻', 'Withdrawal cancelled: the quota is unfrozen'), 'withdrawals', { request });
    },
  },
};
