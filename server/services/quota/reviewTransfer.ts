import { say } from '../../i18n.js';
import type { Transaction } from 'sequelize';
import { QuotaTransfer } from '../../models/index.js';
import { isSuperAdmin } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { fromCents, negate, normalize, parseAmount, toCents } from './amount.js';
import { applyQuotaChanges, type QuotaChange } from './ledger.js';
import {
  type AccountUser,
  type CommandMeta,
  currentActor,
  findUser,
  lockAccounts,
  optionalText,
  runCommand,
  scopedIdempotencyKey,
} from './command.js';
import { accountFrozen, invalidText, notAllowed, partNotBelowAmount, transferNotFound, transferNotPending } from './refusals.js';
import { completeTransfer, notifyTransferCompleted, transferMoves, transferReference } from './transferQuota.js';

/** 放行 (approve), 拒绝 (reject) or 部分处理 (partial: let part through, return the rest). */
export type ReviewDecision = 'approve' | 'reject' | 'partial';

export interface ReviewTransferInput extends CommandMeta {
  transferId: number;
  decision: unknown;
  opinion?: unknown;
  /** 部分处理 only: the part of the held amount that goes to the recipient. */
  approvedAmount?: unknown;
}

export type ReviewedStatus = 'completed' | 'rejected' | 'partial';

export interface ReviewTransferResult {
  transferId: number;
  status: ReviewedStatus;
  /** What reached the recipient: the whole amount, nothing, or the approved part. */
  approvedAmount: string;
  replayed: boolean;
}

const STATUS: Record<ReviewDecision, ReviewedStatus> = { approve: 'completed', reject: 'rejected', partial: 'partial' };

export function parseDecision(input: unknown): ReviewDecision {
  if (input === 'approve' || input === 'reject' || input === 'partial') return input;
  throw invalidText(say('审核结果必须是放行、拒绝或部分处理', 'The decision must be approve, reject or partial'));
}

/**
 * 审核 a transfer held for review (super admin only): approve moves the frozen amount to the
 * recipient; reject returns it to the sender's balance; partial moves the approved part (strictly
 * between 0 and the held amount) and returns the rest — one set of ledger changes, so nothing is
 * created or destroyed. An opinion is required to reject or to approve in part.
 */
export async function reviewTransfer(input: ReviewTransferInput): Promise<ReviewTransferResult> {
  const decision = parseDecision(input.decision);
  const opinion = optionalText(input.opinion, '审核意见', 500);
  if (decision === 'reject' && !opinion) throw invalidText(say('拒绝时请填写审核意见', 'Give a review opinion when rejecting'));
  if (decision === 'partial' && !opinion) throw invalidText(say('部分处理时请填写审核意见', 'Give a review opinion for a partial decision'));
  const part = decision === 'partial' ? parseAmount(input.approvedAmount, { label: '放行额度' }) : null;
  const key = scopedIdempotencyKey(input, `review-transfer-${decision}`);

  return runCommand<ReviewTransferResult>(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      if (!isSuperAdmin(actor)) throw notAllowed(say('只有超级管理员可以审核转账', 'Only a super admin may review transfers'));
      const id = Number(input.transferId);
      const peek = Number.isSafeInteger(id) ? await QuotaTransfer.findByPk(id, { transaction: t }) : null;
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
      await notifyReviewed(decision, { from, to, amount, approved, returned, opinion }, t);
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
  from: AccountUser;
  to: AccountUser;
  amount: string;
  approved: string;
  returned: string;
  opinion: string | null;
}

async function notifyReviewed(decision: ReviewDecision, { from, to, amount, approved, returned, opinion }: Reviewed, t: Transaction): Promise<void> {
  if (decision === 'approve') {
    await notifyTransferCompleted(from.id, from.username, to.id, to.username, amount, t);
  } else if (decision === 'reject') {
    await notifyUsers(
      { userIds: [from.id], event: 'quota.transfer_rejected', title: '转账未通过审核', body: `您向 ${to.username} 转账 ${amount} 额度未通过审核，额度已解冻退回。审核意见：${opinion}` },
      t,
    );
  } else {
    await notifyUsers(
      {
        userIds: [from.id],
        event: 'quota.transfer_partially_approved',
        title: '转账部分通过审核',
        body: `您向 ${to.username} 转账 ${amount} 额度经审核部分放行：${approved} 已转给对方，其余 ${returned} 已解冻退回。审核意见：${opinion}`,
      },
      t,
    );
    await notifyUsers({ userIds: [to.id], event: 'quota.transfer_received', title: '收到转账', body: `${from.username} 向您转入 ${approved} 额度（原转账 ${amount}，经审核部分放行）。` }, t);
  }
}
