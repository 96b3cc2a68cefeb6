import { Withdrawal } from '../../models/index.js';
import { say } from '../../i18n.js';
import { authorize } from '../../policies/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import { type CommandMeta, currentActor, lockAccounts, runCommand, scopedIdempotencyKey } from './command.js';
import { withdrawalNotFound, withdrawalNotPending } from './refusals.js';
import { stillFrozen, withdrawalReference, withdrawalResult, withdrawalReviewerIds, type WithdrawalResult } from './requestWithdrawal.js';

export interface CancelWithdrawalInput extends CommandMeta {
  withdrawalId: number;
}

/** The applicant withdraws their own pending withdrawal; the frozen amount returns to the balance. */
export async function cancelWithdrawal(input: CancelWithdrawalInput): Promise<WithdrawalResult> {
  const key = scopedIdempotencyKey(input, 'cancel-withdrawal');
  return runCommand(
    key,
    async (t) => {
      const { actor, user } = await currentActor(input, t);
      authorize(actor, 'cancel', 'withdrawals');
      const id = Number(input.withdrawalId);
      await lockAccounts([user.id], t);
      const withdrawal = Number.isSafeInteger(id)
        ? await Withdrawal.findOne({ where: { id, userId: user.id }, transaction: t, lock: t.LOCK.UPDATE })
        : null;
      if (!withdrawal) throw withdrawalNotFound();
      if (withdrawal.status !== 'pending' && withdrawal.status !== 'pending_review') throw withdrawalNotPending();
      const before = { status: withdrawal.status };
      const amount = stillFrozen(withdrawal);
      await applyQuotaChanges(
        [
          {
            userId: user.id,
            type: 'withdrawal_unfreeze',
            balanceDelta: amount,
            frozenDelta: negate(amount),
            reference: withdrawalReference(withdrawal.id),
            actorId: actor.id,
            memo: '申请人撤销',
            idempotencyKey: key,
          },
        ],
        t,
      );
      await withdrawal.update({ status: 'cancelled' }, { transaction: t });
      await recordOperation(
        { actor, ownerId: user.id, action: 'cancel', resource: 'withdrawals', recordId: withdrawal.id, before, after: { status: 'cancelled' }, ip: input.ip },
        t,
      );
      await notifyUsers({ userIds: [user.id], event: 'quota.withdrawal_cancelled', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现申请已撤销', 'Withdrawal cancelled'), body: say(`您已撤销 ${amount} 额度的提现申请，额度已解冻。`, `You cancelled your withdrawal of ${amount} quota; the quota is unfrozen.`) }, t);
      await notifyUsers(
        { userIds: await withdrawalReviewerIds(user, t), event: 'quota.withdrawal_cancelled', link: { resource: 'withdrawals', id: withdrawal.id }, title: say('提现申请已撤销', 'Withdrawal cancelled'), body: say(`${user.username} 撤销了 ${amount} 额度的提现申请。`, `${user.username} cancelled a withdrawal of ${amount} quota.`) },
        t,
      );
      return withdrawalResult(withdrawal, false);
    },
    async (prior) => withdrawalResult((await Withdrawal.findByPk(Number(prior.referenceId)))!, true),
  );
}
