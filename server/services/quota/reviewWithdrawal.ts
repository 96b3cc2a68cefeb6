import { Withdrawal } from '../../models/index.js';
import { assertCanManageUser } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import {
  type CommandMeta,
  currentActor,
  findUser,
  lockAccounts,
  optionalText,
  runCommand,
  scopedIdempotencyKey,
} from './command.js';
import { invalidText, withdrawalNotFound, withdrawalNotPending } from './refusals.js';
import { parseDecision } from './reviewTransfer.js';
import { stillFrozen, withdrawalReference, withdrawalResult, type WithdrawalResult } from './requestWithdrawal.js';

export interface ReviewWithdrawalInput extends CommandMeta {
  withdrawalId: number;
  decision: unknown;
  opinion?: unknown;
  /** The offline payment's reference (bank serial number etc.); required to approve. */
  paymentReference?: unknown;
}

/**
 * 审核提现, by the applicant's agent admin or a super admin: approve deducts the frozen amount
 * (it has been paid offline, under `paymentReference`); reject returns it to the balance.
 */
export async function reviewWithdrawal(input: ReviewWithdrawalInput): Promise<WithdrawalResult> {
  const decision = parseDecision(input.decision);
  const opinion = optionalText(input.opinion, '审核意见', 500);
  const paymentReference = optionalText(input.paymentReference, '打款流水号', 128);
  if (decision === 'approve' && !paymentReference) throw invalidText('通过提现前请线下打款并填写打款流水号');
  if (decision === 'reject' && !opinion) throw invalidText('拒绝时请填写审核意见');
  const key = scopedIdempotencyKey(input, `review-withdrawal-${decision}`);

  return runCommand(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      const id = Number(input.withdrawalId);
      const peek = Number.isSafeInteger(id) ? await Withdrawal.findByPk(id, { transaction: t }) : null;
      const applicant = peek ? await findUser(peek.userId, t) : null;
      if (!peek || !applicant) throw withdrawalNotFound();
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
          ? { userIds: [applicant.id], event: 'quota.withdrawal_approved', link: { resource: 'withdrawals', id: withdrawal.id }, title: '提现已通过', body: `您的提现申请 ${amount} 额度已审核通过并线下打款，打款流水号：${paymentReference}。` }
          : { userIds: [applicant.id], event: 'quota.withdrawal_rejected', link: { resource: 'withdrawals', id: withdrawal.id }, title: '提现未通过', body: `您的提现申请 ${amount} 额度未通过审核，额度已解冻。审核意见：${opinion}` },
        t,
      );
      return withdrawalResult(withdrawal, false);
    },
    async (prior) => withdrawalResult((await Withdrawal.findByPk(Number(prior.referenceId)))!, true),
  );
}
