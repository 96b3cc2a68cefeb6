import { z } from 'zod';
import { authorize } from '../../policies/index.js';
import { say } from '../../i18n.js';
import { msg, oneOf, optionalText, parseInput, recordId, type RawInput } from '../../lib/input.js';
import { Withdrawal } from '../../models/index.js';
import { assertCanManageUser } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import { type CommandMeta, currentActor, findUser, lockAccounts, runCommand, scopedIdempotencyKey } from './command.js';
import { INVALID_QUOTA_INPUT, withdrawalNotFound, withdrawalNotPending } from './refusals.js';
import { stillFrozen, withdrawalReference, withdrawalResult, type WithdrawalResult } from './requestWithdrawal.js';

/** 通过 (approve: paid offline) or 拒绝 (reject: returned to the balance) — nothing else. */
export const reviewWithdrawalSchema = z
  .object({
    withdrawalId: recordId(say('提现申请', 'withdrawal')),
    decision: oneOf(['approve', 'reject'], say('审核结果必须是通过或拒绝', 'The decision must be approve or reject')),
    opinion: optionalText(say('审核意见', 'The review opinion'), 500),
    /** The offline payment's reference (bank serial number etc.); required to approve. */
    paymentReference: optionalText(say('打款流水号', 'The payment reference'), 128),
  })
  .refine((v) => v.decision !== 'approve' || v.paymentReference, {
    error: msg('通过提现前请线下打款并填写打款流水号', 'Pay offline first and enter the payment reference to approve'),
  })
  .refine((v) => v.decision !== 'reject' || v.opinion, { error: msg('拒绝时请填写审核意见', 'Please give a review opinion to reject') });

export type ReviewWithdrawalInput = CommandMeta & RawInput<typeof reviewWithdrawalSchema>;

/**
 * 审核提现, by the applicant's agent admin or a super admin: approve deducts the frozen amount
 * (it has been paid offline, under `paymentReference`); reject returns it to the balance.
 */
export async function reviewWithdrawal(input: ReviewWithdrawalInput): Promise<WithdrawalResult> {
  const { withdrawalId: id, decision, opinion, paymentReference } = parseInput(reviewWithdrawalSchema, input, INVALID_QUOTA_INPUT);
  const key = scopedIdempotencyKey(input, `review-withdrawal-${decision}`);

  return runCommand(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      authorize(actor, 'review', 'withdrawals');
      const peek = await Withdrawal.findByPk(id, { transaction: t });
      const applicant = peek ? await findUser(peek.userId, t) : null;
      if (!peek || !applicant) throw withdrawalNotFound();
      authorize(actor, 'review', 'withdrawals', peek);
      assertCanManageUser(actor, applicant);
      await lockAccounts([applicant.id], t);
      const withdrawal = (await Withdrawal.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (withdrawal.status !== 'pending') throw withdrawalNotPending();
      const amount = stillFrozen(withdrawal);
      const common = { userId: applicant.id, reference: withdrawalReference(withdrawal.id), actorId: actor.id, idempotencyKey: key };
      await applyQuotaChanges(
        decision === 'approve'
          ? [{ ...common, type: 'withdrawal_paid', frozenDelta: negate(amount), memo: `打款流水号：${paymentReference}` }]
          : [{ ...common, type: 'withdrawal_unfreeze', balanceDelta: amount, frozenDelta: negate(amount), memo: opinion }],
        t,
      );
      const before = { status: withdrawal.status };
      await withdrawal.update(
        {
          status: decision === 'approve' ? 'approved' : 'rejected',
          reviewerId: actor.id,
          reviewOpinion: opinion,
          paymentReference: decision === 'approve' ? paymentReference : null,
          reviewedAt: new Date(),
        },
        { transaction: t },
      );
      await recordOperation(
        {
          actor,
          ownerId: applicant.id,
          action: `review_${decision}`,
          resource: 'withdrawals',
          recordId: withdrawal.id,
          before,
          after: { status: withdrawal.status, amount, opinion, paymentReference: withdrawal.paymentReference },
          ip: input.ip,
        },
        t,
      );
      await notifyUsers(
        decision === 'approve'
          ? { userIds: [applicant.id], event: 'quota.withdrawal_approved', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现已通过', 'Withdrawal approved'), body: say(`您的提现申请 ${amount} 额度已审核通过并线下打款，打款流水号：${paymentReference}。`, `Your withdrawal of ${amount} quota was approved and paid offline; payment reference: ${paymentReference}.`) }
          : { userIds: [applicant.id], event: 'quota.withdrawal_rejected', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现未通过', 'Withdrawal rejected'), body: say(`您的提现申请 ${amount} 额度未通过审核，额度已解冻。审核意见：${opinion}`, `Your withdrawal of ${amount} quota was rejected; the quota is unfrozen. Reviewer's opinion: ${opinion}`) },
        t,
      );
      return withdrawalResult(withdrawal, false);
    },
    async (prior) => withdrawalResult((await Withdrawal.findByPk(Number(prior.referenceId)))!, true),
  );
}
