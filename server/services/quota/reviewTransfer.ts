import { say } from '../../i18n.js';
import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { msg, oneOf, optionalText, parseInput, recordId, type RawInput } from '../../lib/input.js';
import { QuotaTransfer } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { fromCents, negate, normalize, parseAmount, toCents } from './amount.js';
import { applyQuotaChanges, type QuotaChange } from './ledger.js';
import { type AccountUser, type CommandMeta, currentActor, findUser, lockAccounts, runCommand, scopedIdempotencyKey } from './command.js';
import { accountFrozen, INVALID_QUOTA_INPUT, partNotBelowAmount, transferNotFound, transferNotPending } from './refusals.js';
import { completeTransfer, notifyTransferCompleted, transferMoves, transferReference } from './transferQuota.js';

/** 放行 (approve), 拒绝 (reject) or 部分处理 (partial: let part through, return the rest). */
export type ReviewDecision = 'approve' | 'reject' | 'partial';

export const reviewTransferSchema = z
  .object({
    transferId: recordId(say('转账记录', 'transfer')),
    decision: oneOf(['approve', 'reject', 'partial'], say('审核结果必须是放行、拒绝或部分处理', 'The decision must be approve, reject or partial')),
    opinion: optionalText(say('审核意见', 'The review opinion'), 500),
    /** 部分处理 only: the part of the held amount that goes to the recipient (parsed as an amount by the command). */
    approvedAmount: z.unknown().optional(),
  })
  .refine((v) => v.decision !== 'reject' || v.opinion, { error: msg('拒绝时请填写审核意见', 'Please give a review opinion to reject') })
  .refine((v) => v.decision !== 'partial' || v.opinion, { error: msg('部分处理时请填写审核意见', 'Please give a review opinion to approve in part') });

export type ReviewTransferInput = CommandMeta & RawInput<typeof reviewTransferSchema>;

export type ReviewedStatus = 'completed' | 'rejected' | 'partial';

export interface ReviewTransferResult {
  transferId: number;
  status: ReviewedStatus;
  /** What reached the recipient: the whole amount, nothing, or the approved part. */
  approvedAmount: string;
  replayed: boolean;
}

const STATUS: Record<ReviewDecision, ReviewedStatus> = { approve: 'completed', reject: 'rejected', partial: 'partial' };

/**
 * 审核 a transfer held for review (super admin only): approve moves the frozen amount to the
 * recipient; reject returns it to the sender's balance; partial moves the approved part (strictly
 * between 0 and the held amount) and returns the rest — one set of ledger changes, so nothing is
 * created or destroyed. An opinion is required to reject or to approve in part.
 */
export async function reviewTransfer(input: ReviewTransferInput): Promise<ReviewTransferResult> {
  const { transferId: id, decision, opinion, approvedAmount } = parseInput(reviewTransferSchema, input, INVALID_QUOTA_INPUT);
  const part = decision === 'partial' ? parseAmount(approvedAmount, { label: '放行额度' }) : null;
  const key = scopedIdempotencyKey(input, `review-transfer-${decision}`);

  return runCommand<ReviewTransferResult>(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      authorize(actor, 'review', 'quota_transfers');
      const peek = await QuotaTransfer.findByPk(id, { transaction: t });
      if (!peek) throw transferNotFound();
      await lockAccounts([peek.fromUserId, peek.toUserId], t);
      const transfer = (await QuotaTransfer.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (transfer.status !== 'pending_review') throw transferNotPending();
      const amount = normalize(transfer.amount);
      if (part && toCents(part) >= toCents(amount)) throw partNotBelowAmount(amount);
      const approved = decision === 'approve' ? amount : (part ?? '0.00');
      const returned = fromCents(toCents(amount) - toCents(approved));
      const [from, to] = [(await findUser(transfer.fromUserId, t))!, (await findUser(transfer.toUserId, t))!];
      if (decision !== 'reject' && to.status === 'frozen') throw accountFrozen('对方');

      if (decision === 'approve') {
        await completeTransfer(transfer, actor.id, t, key);
      } else {
        const unfreeze: QuotaChange = {
          userId: from.id,
          type: 'transfer_unfreeze',
          balanceDelta: returned,
          frozenDelta: negate(returned),
          counterpartyId: to.id,
          reference: transferReference(transfer.id),
          actorId: actor.id,
          memo: opinion,
        };
        // The key rides on the command's first ledger row (runCommand finds the replay by it).
        const changes = part ? [...transferMoves(transfer, part, actor.id, key), unfreeze] : [{ ...unfreeze, idempotencyKey: key }];
        await applyQuotaChanges(changes, t);
      }
      const before = { status: transfer.status };
      await transfer.update(
        { status: STATUS[decision], approvedAmount: part, reviewerId: actor.id, reviewOpinion: opinion, reviewedAt: new Date() },
        { transaction: t },
      );
      const after = { status: transfer.status, amount, ...(part ? { approvedAmount: part, returnedAmount: returned } : {}), from: from.username, to: to.username, opinion };
      for (const ownerId of decision === 'reject' ? [from.id] : [from.id, to.id]) {
        await recordOperation({ actor, ownerId, action: `review_${decision}`, resource: 'quota_transfers', recordId: transfer.id, before, after, ip: input.ip }, t);
      }
      await notifyReviewed(decision, { transferId: transfer.id, kind: transfer.kind, from, to, amount, approved, returned, opinion }, t);
      return { transferId: transfer.id, status: STATUS[decision], approvedAmount: approved, replayed: false };
    },
    async (prior) => {
      const transfer = await QuotaTransfer.findByPk(Number(prior.referenceId));
      if (!transfer) throw transferNotFound();
      const status = transfer.status as ReviewedStatus;
      const approvedAmount = status === 'completed' ? normalize(transfer.amount) : status === 'partial' ? normalize(transfer.approvedAmount!) : '0.00';
      return { transferId: transfer.id, status, approvedAmount, replayed: true };
    },
  );
}

interface Reviewed {
  transferId: number;
  kind: 'transfer' | 'recharge';
  from: AccountUser;
  to: AccountUser;
  amount: string;
  approved: string;
  returned: string;
  opinion: string | null;
}

async function notifyReviewed(decision: ReviewDecision, reviewed: Reviewed, t: Transaction): Promise<void> {
  if (reviewed.kind === 'recharge') return notifyRechargeReviewed(decision, reviewed, t);
  const { transferId, from, to, amount, approved, returned, opinion } = reviewed;
  const link = { resource: 'quota_transfers', id: transferId };
  if (decision === 'approve') {
    await notifyTransferCompleted(transferId, from.id, from.username, to.id, to.username, amount, t);
  } else if (decision === 'reject') {
    await notifyUsers(
      { userIds: [from.id], event: 'quota.transfer_rejected', link, title: say('转账未通过审核', 'Transfer rejected'), body: say(`您向 ${to.username} 转账 ${amount} 额度未通过审核，额度已解冻退回。审核意见：${opinion}`, `Your transfer of ${amount} quota to ${to.username} was rejected; the quota is unfrozen and back in your balance. Reviewer's opinion: ${opinion}`) },
      t,
    );
  } else {
    await notifyUsers(
      {
        userIds: [from.id],
        event: 'quota.transfer_partially_approved',
        link,
        title: say('转账部分通过审核', 'Transfer partly approved'),
        body: say(
          `您向 ${to.username} 转账 ${amount} 额度经审核部分放行：${approved} 已转给对方，其余 ${returned} 已解冻退回。审核意见：${opinion}`,
          `Your transfer of ${amount} quota to ${to.username} was approved in part: ${approved} went to them and the other ${returned} is unfrozen and back in your balance. Reviewer's opinion: ${opinion}`,
        ),
      },
      t,
    );
    await notifyUsers({ userIds: [to.id], event: 'quota.transfer_received', link, title: say('收到转账', 'Transfer received'), body: say(`${from.username} 向您转入 ${approved} 额度（原转账 ${amount}，经审核部分放行）。`, `${from.username} transferred ${approved} quota to you (of ${amount}, approved in part).`) }, t);
  }
}

/** A held recharge (an agent admin's, of their own agent) reviewed: both sides are told in the words of a recharge. */
async function notifyRechargeReviewed(decision: ReviewDecision, { transferId, from, to, amount, approved, returned, opinion }: Reviewed, t: Transaction): Promise<void> {
  const link = { resource: 'quota_transfers', id: transferId };
  const toGiver =
    decision === 'approve'
      ? say(`您为代理 ${to.username} 充值 ${amount} 额度已通过审核并到账。`, `Your recharge of ${amount} quota to your agent ${to.username} was released and credited.`)
      : decision === 'reject'
        ? say(`您为代理 ${to.username} 充值 ${amount} 额度未通过审核，额度已解冻退回。审核意见：${opinion}`, `Your recharge of ${amount} quota to your agent ${to.username} was rejected; the quota is unfrozen and back in your balance. Reviewer's opinion: ${opinion}`)
        : say(
            `您为代理 ${to.username} 充值 ${amount} 额度经审核部分放行：${approved} 已到账，其余 ${returned} 已解冻退回。审核意见：${opinion}`,
            `Your recharge of ${amount} quota to your agent ${to.username} was released in part: ${approved} was credited and the other ${returned} is unfrozen and back in your balance. Reviewer's opinion: ${opinion}`,
          );
  const title = decision === 'approve' ? say('充值已通过审核', 'Recharge released') : decision === 'reject' ? say('充值未通过审核', 'Recharge rejected') : say('充值部分通过审核', 'Recharge released in part');
  await notifyUsers({ userIds: [from.id], event: `quota.recharge_${decision === 'approve' ? 'released' : decision === 'reject' ? 'rejected' : 'partially_released'}`, link, title, body: toGiver }, t);
  if (decision === 'reject') return;
  await notifyUsers(
    { userIds: [to.id], event: 'quota.recharged', link, title: say('额度充值到账', 'Quota recharged'), body: say(`您的上级管理员为您充值了 ${approved} 额度。`, `Your admin recharged ${approved} quota to you.`) },
    t,
  );
}
