import { z } from 'zod';
import { say } from '../../i18n.js';
import { msg, oneOf, optionalText, parseInput, recordId, type RawInput } from '../../lib/input.js';
import { Withdrawal } from '../../models/index.js';
import { authorize } from '../../policies/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { fromCents, negate, normalize, parseAmount, toCents } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import { type CommandMeta, currentActor, findUser, lockAccounts, runCommand, scopedIdempotencyKey } from './command.js';
import { INVALID_QUOTA_INPUT, partNotBelowAmount, withdrawalNotFound, withdrawalNotPending } from './refusals.js';
import { withdrawalReference, withdrawalResult, withdrawalReviewerIds, type WithdrawalResult } from './requestWithdrawal.js';

/** The decision on a held withdrawal: 放行, 拒绝 or 部分处理. Its own schema (not the payment review's). */
export const reviewHeldWithdrawalSchema = z
  .object({
    withdrawalId: recordId(say('提现申请', 'withdrawal')),
    decision: oneOf(['approve', 'reject', 'partial'], say('审核结果必须是放行、拒绝或部分处理', 'The decision must be approve, reject or partial')),
    opinion: optionalText(say('审核意见', 'The review opinion'), 500),
    /** 部分处理 only: the part that goes on to payment review (parsed as an amount by the command); the rest is unfrozen now. */
    approvedAmount: z.unknown().optional(),
  })
  .refine((v) => v.decision !== 'reject' || v.opinion, { error: msg('拒绝时请填写审核意见', 'Please give a review opinion to reject') })
  .refine((v) => v.decision !== 'partial' || v.opinion, { error: msg('部分处理时请填写审核意见', 'Please give a review opinion to approve in part') });

export type HeldWithdrawalDecision = 'approve' | 'reject' | 'partial';
export type ReviewHeldWithdrawalInput = CommandMeta & RawInput<typeof reviewHeldWithdrawalSchema>;

/**
 * 风险审核 of a withdrawal held as abnormal, super admins only. 放行: it goes on to
 * the usual payment review (`pending`); 拒绝: unfrozen and `rejected`; 部分处理: the approved part
 * (strictly between 0 and the amount) goes on, the rest is unfrozen now. An opinion is required to
 * reject or to approve in part. Reviewed once: a second review, concurrent or later, is refused.
 * The applicant and the usual reviewer are told.
 */
export async function reviewHeldWithdrawal(input: ReviewHeldWithdrawalInput): Promise<WithdrawalResult> {
  const { withdrawalId: id, decision, opinion, approvedAmount } = parseInput(reviewHeldWithdrawalSchema, input, INVALID_QUOTA_INPUT);
  const part = decision === 'partial' ? parseAmount(approvedAmount, { label: '放行额度' }) : null;
  const key = scopedIdempotencyKey(input, `review-held-withdrawal-${decision}`);

  return runCommand(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      authorize(actor, 'reviewHold', 'withdrawals');
      const peek = await Withdrawal.findByPk(id, { transaction: t });
      const applicant = peek ? await findUser(peek.userId, t) : null;
      if (!peek || !applicant) throw withdrawalNotFound();
      await lockAccounts([applicant.id], t);
      const withdrawal = (await Withdrawal.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (withdrawal.status !== 'pending_review') throw withdrawalNotPending();
      const amount = normalize(withdrawal.amount);
      if (part && toCents(part) >= toCents(amount)) throw partNotBelowAmount(amount, 'withdrawal');
      const returned = decision === 'reject' ? amount : part ? fromCents(toCents(amount) - toCents(part)) : null;
      if (returned) {
        await applyQuotaChanges(
          [
            {
              userId: applicant.id,
              type: 'withdrawal_unfreeze',
              balanceDelta: returned,
              frozenDelta: negate(returned),
              reference: withdrawalReference(withdrawal.id),
              actorId: actor.id,
              memo: opinion,
              idempotencyKey: key,
            },
          ],
          t,
        );
      }
      const before = { status: withdrawal.status };
      const now = new Date();
      await withdrawal.update(
        {
          status: decision === 'reject' ? 'rejected' : 'pending',
          approvedAmount: part,
          holdReviewerId: actor.id,
          holdOpinion: opinion,
          holdReviewedAt: now,
          ...(decision === 'reject' ? { reviewerId: actor.id, reviewOpinion: opinion, reviewedAt: now } : {}),
        },
        { transaction: t },
      );
      await recordOperation(
        {
          actor,
          ownerId: applicant.id,
          action: `hold_review_${decision}`,
          resource: 'withdrawals',
          recordId: withdrawal.id,
          before,
          after: { status: withdrawal.status, amount, approvedAmount: part, returnedAmount: returned, opinion },
          ip: input.ip,
        },
        t,
      );
      const link = { resource: 'withdrawals', id: withdrawal.id };
      const goesOn = part ?? amount;
      await notifyUsers(
        decision === 'reject'
          ? { userIds: [applicant.id], event: 'quota.withdrawal_rejected', link, title: say('提现未通过风险审核', 'Withdrawal rejected in risk review'), body: say(`您的提现申请 ${amount} 额度未通过风险审核，额度已解冻。审核意见：${opinion}`, `Your withdrawal of ${amount} quota was rejected in risk review; the quota is unfrozen. Reviewer's opinion: ${opinion}`) }
          : {
              userIds: [applicant.id],
              event: 'quota.withdrawal_hold_released',
              link,
              title: part ? say('提现部分通过风险审核', 'Withdrawal released in part') : say('提现已通过风险审核', 'Withdrawal released'),
              body: part
                ? say(
                    `您的提现申请 ${amount} 额度经风险审核部分放行：${part} 进入打款审核，其余 ${returned} 已解冻。审核意见：${opinion}`,
                    `Your withdrawal of ${amount} quota was released in part: ${part} goes on to the payment review and the other ${returned} is unfrozen. Reviewer's opinion: ${opinion}`,
                  )
                : say(`您的提现申请 ${amount} 额度已通过风险审核，进入打款审核。`, `Your withdrawal of ${amount} quota passed the risk review and goes on to the payment review.`),
            },
        t,
      );
      if (decision !== 'reject') {
        await notifyUsers(
          { userIds: await withdrawalReviewerIds(applicant, t), event: 'quota.withdrawal_review_required', link, title: say('提现申请待审核', 'Withdrawal to review'), body: say(`${applicant.username} 的提现 ${goesOn} 额度已通过风险审核，请审核打款。`, `${applicant.username}'s withdrawal of ${goesOn} quota passed the risk review. Please review and pay it.`) },
          t,
        );
      }
      return withdrawalResult(withdrawal, false);
    },
    async (prior) => withdrawalResult((await Withdrawal.findByPk(Number(prior.referenceId)))!, true),
  );
}
