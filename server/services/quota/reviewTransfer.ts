import { QuotaTransfer } from '../../models/index.js';
import { isSuperAdmin } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate, normalize } from './amount.js';
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
import { accountFrozen, invalidText, notAllowed, transferNotFound, transferNotPending } from './refusals.js';
import { completeTransfer, notifyTransferCompleted, transferReference } from './transferQuota.js';

export type ReviewDecision = 'approve' | 'reject';

export interface ReviewTransferInput extends CommandMeta {
  transferId: number;
  decision: unknown;
  opinion?: unknown;
}

export interface ReviewTransferResult {
  transferId: number;
  status: 'completed' | 'rejected';
  replayed: boolean;
}

export function parseDecision(input: unknown): ReviewDecision {
  if (input === 'approve' || input === 'reject') return input;
  throw invalidText('审核结果必须是通过或拒绝');
}

/**
 * 审核 a transfer held for review (super admin only): approve moves the frozen amount to the
 * recipient; reject returns it to the sender's balance. An opinion is required to reject.
 */
export async function reviewTransfer(input: ReviewTransferInput): Promise<ReviewTransferResult> {
  const decision = parseDecision(input.decision);
  const opinion = optionalText(input.opinion, '审核意见', 500);
  if (decision === 'reject' && !opinion) throw invalidText('拒绝时请填写审核意见');
  const key = scopedIdempotencyKey(input, `review-transfer-${decision}`);

  return runCommand<ReviewTransferResult>(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      if (!isSuperAdmin(actor)) throw notAllowed('只有超级管理员可以审核转账');
      const id = Number(input.transferId);
      const peek = Number.isSafeInteger(id) ? await QuotaTransfer.findByPk(id, { transaction: t }) : null;
      if (!peek) throw transferNotFound();
      await lockAccounts([peek.fromUserId, peek.toUserId], t);
      const transfer = (await QuotaTransfer.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (transfer.status !== 'pending_review') throw transferNotPending();
      const amount = normalize(transfer.amount);
      const [from, to] = [(await findUser(transfer.fromUserId, t))!, (await findUser(transfer.toUserId, t))!];

      if (decision === 'approve') {
        if (to.status === 'frozen') throw accountFrozen('对方');
        await completeTransfer(transfer, actor.id, t, key);
      } else {
        await applyQuotaChanges(
          [
            {
              userId: from.id,
              type: 'transfer_unfreeze',
              balanceDelta: amount,
              frozenDelta: negate(amount),
              counterpartyId: to.id,
              reference: transferReference(transfer.id),
              actorId: actor.id,
              memo: opinion,
              idempotencyKey: key,
            },
          ],
          t,
        );
      }
      const before = { status: transfer.status };
      await transfer.update(
        { status: decision === 'approve' ? 'completed' : 'rejected', reviewerId: actor.id, reviewOpinion: opinion, reviewedAt: new Date() },
        { transaction: t },
      );
      const after = { status: transfer.status, amount, from: from.username, to: to.username, opinion };
      for (const ownerId of decision === 'approve' ? [from.id, to.id] : [from.id]) {
        await recordOperation({ actor, ownerId, action: `review_${decision}`, resource: 'quota_transfers', recordId: transfer.id, before, after, ip: input.ip }, t);
      }
      if (decision === 'approve') {
        await notifyTransferCompleted(from.id, from.username, to.id, to.username, amount, t);
      } else {
        await notifyUsers(
          { userIds: [from.id], event: 'quota.transfer_rejected', title: '转账未通过审核', body: `您向 ${to.username} 转账 ${amount} 额度未通过审核，额度已解冻退回。审核意见：${opinion}` },
          t,
        );
      }
      return { transferId: transfer.id, status: transfer.status as ReviewTransferResult['status'], replayed: false };
    },
    async (prior) => ({ transferId: Number(prior.referenceId), status: prior.type === 'transfer_unfreeze' ? 'rejected' : 'completed', replayed: true }),
  );
}
