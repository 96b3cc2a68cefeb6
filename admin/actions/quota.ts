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
import { commandHandler, payloadOf, selectField, statusIs } from './helpers.js';

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

const decisionField = selectField('decision', '审核结果', { approve: '通过', reject: '拒绝' });

/**
 * A review of something held for review (a transfer, a withdrawal): its summary, and a form that may
 * let part through — 放行, 拒绝, or 部分处理 (let part through and return the rest), then opinion.
 */
const heldReview = (amountLabel: string) => ({
  status: 'pending_review',
  summary: [
    { label: amountLabel, path: 'amount' },
    { label: '暂停原因', path: 'holdReason' },
  ],
  fields: [
    selectField('decision', '审核结果', { approve: '放行', reject: '拒绝', partial: '部分处理' }),
    {
      name: 'approvedAmount',
      label: `放行额度（须大于 0 且小于${amountLabel}，其余解冻退回）`,
      required: true,
      placeholder: '例如 100.00',
      showWhen: { field: 'decision', value: 'partial' },
    },
    { name: 'opinion', label: '审核意见（拒绝或部分处理时必填）', type: 'textarea' as const },
  ],
});

const transferReviewMessage: Record<ReviewedStatus, (approved: string) => Localized> = {
  completed: () => say('已放行，额度已转给接收方', 'Approved: the quota went to the recipient'),
  rejected: () => say('已拒绝，额度已解冻退回', 'Rejected: the quota is unfrozen and returned'),
  partial: (approved) => say(`已部分放行：${approved} 已转给接收方，其余额度已解冻退回`, `Partly approved: ${approved} went to the recipient, the rest is unfrozen and returned`),
};

type FormField = { name: string; label: string; [more: string]: unknown };

/**
 * The three 审核 actions share one shape: a record action on rows in `status`, whose form (the
 * record's summary, the decision fields) goes with the record's id to the review command — the
 * form's field names are the command's input.
 */
function reviewAction<R>(spec: {
  status: string;
  title: string;
  description?: string;
  icon?: string;
  summary: Array<{ label: string; path: string }>;
  fields: FormField[];
  idField: 'transferId' | 'withdrawalId';
  command: (input: ReturnType<typeof meta> & Record<string, unknown>) => Promise<R>;
  message: (result: R, payload: Record<string, unknown>) => Localized;
  resourceId: string;
}): DomainAction {
  return {
    actionType: 'record',
    icon: spec.icon ?? 'CheckSquare',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, spec.status),
    custom: { title: spec.title, ...(spec.description ? { description: spec.description } : {}), submitLabel: '提交审核', summary: spec.summary, fields: spec.fields },
    handler: commandHandler(spec.resourceId, async ({ id, payload, request, context }) => {
      const input = Object.fromEntries(spec.fields.map((f) => [f.name, payload[f.name]]));
      return spec.message(await spec.command({ ...meta(request, context), [spec.idField]: Number(id), ...input }), payload);
    }),
  };
}
/** What the form shows above a resource action: the acting admin's own balance and frozen amount. */
async function ownAccount(context: ActionContext): Promise<ActionResponse> {
  const account = await QuotaAccount.findByPk(sessionActor(context).id, { attributes: ['balance', 'frozen'] });
  return { account: { balance: account?.balance ?? '0.00', frozen: account?.frozen ?? '0.00' } };
}

/** A resource action whose form shows the acting admin's own account (GET) and runs `command` when submitted. */
function ownAccountForm(resourceId: string, command: Parameters<typeof commandHandler>[1]) {
  const run = commandHandler(resourceId, command);
  return (request: ActionRequest, response: unknown, context: ActionContext) => (request.method !== 'post' ? ownAccount(context) : run(request, response, context));
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
    handler: commandHandler('quota_ledger', async ({ id, payload: p, request, context }) => {
      const result = await rechargeUser({ ...meta(request, context), targetUserId: Number(id), amount: p.amount, memo: p.memo });
      if (result.held) {
        return say(`充值 ${result.amount} 已提交超级管理员审核，审核前该额度已从您的余额冻结`, `The recharge of ${result.amount} waits for a super admin's review; the amount is frozen in your balance until then`);
      }
      return say(`充值成功：${result.amount}，对方当前余额 ${result.targetBalance}`, `Recharged ${result.amount}; their balance is now ${result.targetBalance}`);
    }),
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
    handler: ownAccountForm('quota_transfers', async ({ payload: p, request, context }) => {
      const result = await transferQuota({ ...meta(request, context), recipientUsername: p.recipientUsername, amount: p.amount, memo: p.memo });
      return result.status === 'completed' ? say(`转账成功：${result.amount}`, `Transferred ${result.amount}`) : say(`转账 ${result.amount} 需管理员审核，额度已冻结`, `The transfer of ${result.amount} waits for an admin's review; the quota is frozen`);
    }),
  },
  review: reviewAction({
    ...heldReview('转账额度'),
    title: '审核转账',
    idField: 'transferId',
    command: reviewTransfer,
    message: (r) => transferReviewMessage[r.status](r.approvedAmount),
    resourceId: 'quota_transfers',
  }),
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
    handler: ownAccountForm('withdrawals', async ({ payload: p, request, context }) => {
      const result = await requestWithdrawal({ ...meta(request, context), amount: p.amount, accountInfo: p.accountInfo });
      return result.holdReason
        ? say(`提现申请已提交：${result.amount}，需超级管理员风险审核，额度已冻结`, `Withdrawal of ${result.amount} requested; it waits for a super admin's risk review, the quota is frozen`)
        : say(`提现申请已提交：${result.amount}，等待审核`, `Withdrawal of ${result.amount} requested, waiting for review`);
    }),
  },
  // Who may review which withdrawal is the withdrawals policy (given the record); here only its state.
  review: reviewAction({
    status: 'pending',
    title: '审核提现',
    summary: [
      { label: '提现额度', path: 'amount' },
      { label: '收款账户', path: 'accountInfo' },
    ],
    fields: [
      decisionField,
      { name: 'paymentReference', label: '打款流水号（通过时必填，请先线下打款）' },
      { name: 'opinion', label: '审核意见（拒绝时必填）', type: 'textarea' },
    ],
    idField: 'withdrawalId',
    command: reviewWithdrawal,
    message: (r) => (r.status === 'approved' ? say('已通过，冻结额度已扣除', 'Approved: the frozen quota is deducted') : say('已拒绝，额度已解冻', 'Rejected: the quota is unfrozen')),
    resourceId: 'withdrawals',
  }),
  // Super admins only (the withdrawals policy, reviewHold); here only the state.
  reviewHold: reviewAction({
    ...heldReview('提现额度'),
    icon: 'AlertTriangle',
    title: '异常提现审核',
    description: '放行：进入打款审核；拒绝：额度解冻退回；部分处理：部分额度进入打款审核，其余解冻退回。',
    idField: 'withdrawalId',
    command: reviewHeldWithdrawal,
    message: (r, p) =>
      r.status === 'rejected'
        ? say('已拒绝，额度已解冻退回', 'Rejected: the quota is unfrozen and returned')
        : p.decision === 'partial'
          ? say('已部分放行：放行部分进入打款审核，其余额度已解冻退回', 'Partly released: that part goes on to payment review, the rest is unfrozen and returned')
          : say('已放行，进入打款审核', 'Released: it goes on to payment review'),
    resourceId: 'withdrawals',
  }),
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
    handler: commandHandler('withdrawals', async ({ id, request, context }) => {
      await cancelWithdrawal({ ...meta(request, context), withdrawalId: Number(id) });
      return say('提现申请已撤销，额度已解冻', 'Withdrawal cancelled: the quota is unfrozen');
    }),
  },
};
