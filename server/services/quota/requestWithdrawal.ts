import { say, type Localized } from '../../i18n.js';
import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { parseInput, requiredText, type RawInput } from '../../lib/input.js';
import { QuotaAccount, Withdrawal } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { negate, normalize } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import { withdrawalHoldReason, withdrawalLimits, type WithdrawalHoldReason } from './holds.js';
import {
  type AccountUser,
  type CommandMeta,
  currentActor,
  lockAccounts,
  runCommand,
  scopedIdempotencyKey,
  validAmount,
} from './command.js';
import { INVALID_QUOTA_INPUT, withdrawalNotFound } from './refusals.js';
import { superAdminIds } from './transferQuota.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';

export const requestWithdrawalSchema = z.object({
  /** Checked against the configured minimum and maximum by the command (validAmount). */
  amount: z.unknown().optional(),
  /** Where to pay it (bank / Alipay account and name), as the applicant typed it. */
  accountInfo: requiredText(say('收款账户信息', 'the payment account'), 500),
});

export type RequestWithdrawalInput = CommandMeta & RawInput<typeof requestWithdrawalSchema>;

export interface WithdrawalResult {
  withdrawalId: number;
  status: 'pending_review' | 'pending' | 'approved' | 'rejected' | 'cancelled';
  holdReason: WithdrawalHoldReason | null;
  amount: string;
  userId: number;
  replayed: boolean;
}

export const withdrawalReference = (id: number) => ({ type: 'withdrawal', id });

/** Who reviews `applicant`'s withdrawals: their agent admin when they have one, else the super admins. */
export async function withdrawalReviewerIds(applicant: Pick<AccountUser, 'parentId'>, t: Transaction): Promise<number[]> {
  return applicant.parentId ? [applicant.parentId] : superAdminIds(t);
}

const HOLD_TEXT: Record<WithdrawalHoldReason, Localized> = {
  amount_threshold: say('提现金额较大', 'a large amount'),
  balance_share: say('提现占可用余额比例过高', 'too large a share of the balance'),
  daily_count: say('当天提现次数过多', 'too many withdrawals today'),
  burst: say('短时间内额度转出过于频繁', 'too many quota moves in a short time'),
};

/**
 * 申请提现: the amount is frozen until the reviewer approves (paid offline) or rejects, or the
 * applicant cancels. An abnormal withdrawal (see holds.ts) first waits as `pending_review` for a
 * super admin (reviewHeldWithdrawal); the applicant, the super admins and the usual reviewer are told.
 */
export async function requestWithdrawal(input: RequestWithdrawalInput): Promise<WithdrawalResult> {
  await guardSensitiveOperation(input.actor.id, 'quota_withdrawal', input.ip);
  const amount = await validAmount(input.amount, '提现额度', await getSetting('quota.withdrawal_min'));
  const { accountInfo } = parseInput(requestWithdrawalSchema, input, INVALID_QUOTA_INPUT);
  const key = scopedIdempotencyKey(input, 'withdrawal');
  const limits = await withdrawalLimits();

  return runCommand(
    key,
    async (t) => {
      const { actor, user } = await currentActor(input, t);
      authorize(actor, 'requestWithdrawal', 'withdrawals');
      await lockAccounts([user.id], t);
      const account = await QuotaAccount.findByPk(user.id, { attributes: ['balance'], transaction: t });
      const holdReason = await withdrawalHoldReason(user.id, amount, account?.balance ?? '0', limits, t);
      const withdrawal = await Withdrawal.create(
        { userId: user.id, amount, status: holdReason ? 'pending_review' : 'pending', holdReason, accountInfo },
        { transaction: t },
      );
      await applyQuotaChanges(
        [
          {
            userId: user.id,
            type: 'withdrawal_freeze',
            balanceDelta: negate(amount),
            frozenDelta: amount,
            reference: withdrawalReference(withdrawal.id),
            actorId: actor.id,
            idempotencyKey: key,
          },
        ],
        t,
      );
      await recordOperation(
        { actor, ownerId: user.id, action: 'request', resource: 'withdrawals', recordId: withdrawal.id, after: { amount, status: withdrawal.status, holdReason }, ip: input.ip },
        t,
      );
      if (holdReason) {
        await notifyHeld(withdrawal, user, amount, HOLD_TEXT[holdReason], t);
        return withdrawalResult(withdrawal, false);
      }
      await notifyUsers(
        { userIds: [user.id], event: 'quota.withdrawal_requested', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现申请已提交', 'Withdrawal requested'), body: say(`您申请提现 ${amount} 额度，该额度已冻结，等待审核。`, `You asked to withdraw ${amount} quota; it is frozen until the request is reviewed.`) },
        t,
      );
      await notifyUsers(
        { userIds: await withdrawalReviewerIds(user, t), event: 'quota.withdrawal_review_required', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现申请待审核', 'Withdrawal to review'), body: say(`${user.username} 申请提现 ${amount} 额度，请审核。`, `${user.username} asked to withdraw ${amount} quota. Please review it.`) },
        t,
      );
      return withdrawalResult(withdrawal, false);
    },
    async (prior) => {
      const withdrawal = await Withdrawal.findByPk(Number(prior.referenceId));
      if (!withdrawal) throw withdrawalNotFound();
      return withdrawalResult(withdrawal, true);
    },
  );
}

async function notifyHeld(withdrawal: Withdrawal, user: AccountUser, amount: string, why: Localized, t: Transaction): Promise<void> {
  const link = { resource: 'withdrawals', id: withdrawal.id };
  await notifyUsers(
    { userIds: [user.id], event: 'quota.withdrawal_held', link, title: say('提现待风险审核', 'Withdrawal held for risk review'), body: say(`您申请提现 ${amount} 额度（${why['zh-CN']}），需超级管理员审核，审核前该额度已冻结。`, `You asked to withdraw ${amount} quota (${why.en}); a super admin must review it first, and the quota is frozen until then.`) },
    t,
  );
  const superAdmins = await superAdminIds(t);
  await notifyUsers(
    { userIds: superAdmins, event: 'quota.withdrawal_hold_review_required', link, title: say('异常提现待审核', 'Abnormal withdrawal to review'), body: say(`${user.username} 申请提现 ${amount} 额度（${why['zh-CN']}），请审核：放行、拒绝或部分处理。`, `${user.username} asked to withdraw ${amount} quota (${why.en}). Please review it: release, reject or release in part.`) },
    t,
  );
  const reviewers = (await withdrawalReviewerIds(user, t)).filter((id) => !superAdmins.includes(id));
  await notifyUsers(
    { userIds: reviewers, event: 'quota.withdrawal_held', link, title: say('代理提现待风险审核', "An agent's withdrawal is held for risk review"), body: say(`${user.username} 申请提现 ${amount} 额度（${why['zh-CN']}），超级管理员审核放行后将交由您审核打款。`, `${user.username} asked to withdraw ${amount} quota (${why.en}). Once a super admin releases it, you review and pay it.`) },
    t,
  );
}

/** What a withdrawal still holds frozen: the part a partial risk review let through, else all of it. */
export const stillFrozen = (w: Withdrawal): string => normalize(w.approvedAmount ?? w.amount);

export const withdrawalResult = (w: Withdrawal, replayed: boolean): WithdrawalResult => ({
  withdrawalId: w.id,
  status: w.status as WithdrawalResult['status'],
  holdReason: w.holdReason as WithdrawalHoldReason | null,
  amount: normalize(w.amount),
  userId: w.userId,
  replayed,
});
