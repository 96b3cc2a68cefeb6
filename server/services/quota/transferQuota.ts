import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { say } from '../../i18n.js';
import { optionalText, parseInput, requiredText, type RawInput } from '../../lib/input.js';
import { AdminUser, QuotaTransfer } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { negate, normalize, toCents } from './amount.js';
import { burstLimit, inBurst, type BurstLimit } from './holds.js';
import { applyQuotaChanges, type QuotaChange } from './ledger.js';
import {
  type CommandMeta,
  currentActor,
  findUserByUsername,
  lockAccounts,
  runCommand,
  scopedIdempotencyKey,
  validAmount,
} from './command.js';
import { accountFrozen, accountInactive, INVALID_QUOTA_INPUT, selfTransfer, transferNotFound, unknownRecipient } from './refusals.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';

export const transferQuotaSchema = z.object({
  recipientUsername: requiredText(say('接收方用户名', 'the recipient\'s username'), 64),
  /** Checked against the configured minimum and maximum by the command (validAmount). */
  amount: z.unknown().optional(),
  memo: optionalText(say('备注', 'The memo'), 500),
});

export type TransferQuotaInput = CommandMeta & RawInput<typeof transferQuotaSchema>;

export type HoldReason = 'amount_threshold' | 'burst';

export interface TransferResult {
  transferId: number;
  status: 'completed' | 'pending_review';
  holdReason: HoldReason | null;
  amount: string;
  fromUserId: number;
  toUserId: number;
  replayed: boolean;
}

export const transferReference = (id: number) => ({ type: 'quota_transfer', id });

/**
 * 转账 by recipient username. The amount is frozen on the sender first; a normal transfer then moves
 * it out of the frozen amount to the recipient in the same transaction (freeze → move → unfreeze:
 * ledger rows transfer_freeze and transfer_out for the sender, transfer_in for the recipient).
 * A large transfer, or one of too many in a short window, stops after the freeze as
 * `pending_review` until a super admin decides (see reviewTransfer).
 */
export async function transferQuota(input: TransferQuotaInput): Promise<TransferResult> {
  await guardSensitiveOperation(input.actor.id, 'quota_transfer', input.ip);
  const minimum = await getSetting('quota.transfer_min');
  const amount = await validAmount(input.amount, '转账额度', minimum);
  const { recipientUsername: recipientName, memo } = parseInput(transferQuotaSchema, input, INVALID_QUOTA_INPUT);
  const key = scopedIdempotencyKey(input, 'transfer');
  const limits = await holdLimits();

  return runCommand(
    key,
    async (t) => {
      const { actor, user: sender } = await currentActor(input, t);
      authorize(actor, 'transfer', 'quota_transfers');
      const recipient = await findUserByUsername(recipientName, t);
      if (!recipient) throw unknownRecipient();
      if (recipient.id === sender.id) throw selfTransfer();
      if (recipient.status === 'frozen') throw accountFrozen('对方');
      if (recipient.status !== 'active') throw accountInactive('对方');
      await lockAccounts([sender.id, recipient.id], t);

      const holdReason = await holdReasonFor(sender.id, amount, limits, t);
      const transfer = await QuotaTransfer.create(
        {
          fromUserId: sender.id,
          toUserId: recipient.id,
          amount,
          status: holdReason ? 'pending_review' : 'completed',
          holdReason,
          memo,
        },
        { transaction: t },
      );
      const reference = transferReference(transfer.id);
      const common = { reference, actorId: actor.id, memo };
      await applyQuotaChanges(
        [{ userId: sender.id, type: 'transfer_freeze', balanceDelta: negate(amount), frozenDelta: amount, counterpartyId: recipient.id, idempotencyKey: key, ...common }],
        t,
      );
      if (!holdReason) await completeTransfer(transfer, actor.id, t);

      const after = { amount, from: sender.username, to: recipient.username, status: transfer.status, holdReason };
      for (const ownerId of holdReason ? [sender.id] : [sender.id, recipient.id]) {
        await recordOperation({ actor, ownerId, action: 'transfer', resource: 'quota_transfers', recordId: transfer.id, after, ip: input.ip }, t);
      }
      if (holdReason) {
        const why = holdReason === 'burst' ? say('短时间内转账次数过多', 'too many transfers in a short time') : say('转账金额较大', 'a large amount');
        await notifyUsers(
          { userIds: [sender.id], event: 'quota.transfer_held', link: { resource: 'quota_transfers', id: transfer.id }, title: say('转账待审核', 'Transfer held for review'), body: say(`您向 ${recipient.username} 转账 ${amount} 额度（${why['zh-CN']}），需管理员审核，审核前该额度已冻结。`, `Your transfer of ${amount} quota to ${recipient.username} (${why.en}) must be reviewed by an admin; the quota is frozen until then.`) },
          t,
        );
        await notifyUsers(
          { userIds: await superAdminIds(t), event: 'quota.transfer_review_required', link: { resource: 'quota_transfers', id: transfer.id }, title: say('异常转账待审核', 'Abnormal transfer to review'), body: say(`${sender.username} 向 ${recipient.username} 转账 ${amount} 额度（${why['zh-CN']}），请审核。`, `${sender.username} is transferring ${amount} quota to ${recipient.username} (${why.en}). Please review it.`) },
          t,
        );
      } else {
        await notifyTransferCompleted(transfer.id, sender.id, sender.username, recipient.id, recipient.username, amount, t);
      }
      return result(transfer, false);
    },
    async (prior) => {
      const transfer = await QuotaTransfer.findByPk(Number(prior.referenceId));
      if (!transfer) throw transferNotFound();
      return result(transfer, true);
    },
  );
}

/** Moves a transfer's frozen amount from its sender to its recipient. The caller holds both account locks. */
export async function completeTransfer(transfer: QuotaTransfer, actorId: number, t: Transaction, idempotencyKey: string | null = null): Promise<void> {
  await applyQuotaChanges(transferMoves(transfer, normalize(transfer.amount), actorId, idempotencyKey), t);
}

/** The ledger changes that move `amount` of a transfer's frozen quota to its recipient (transfer_out, transfer_in). */
export function transferMoves(transfer: QuotaTransfer, amount: string, actorId: number, idempotencyKey: string | null): QuotaChange[] {
  const common = { reference: transferReference(transfer.id), actorId, memo: transfer.memo };
  return [
    { userId: transfer.fromUserId, type: 'transfer_out', frozenDelta: negate(amount), counterpartyId: transfer.toUserId, idempotencyKey, ...common },
    { userId: transfer.toUserId, type: 'transfer_in', balanceDelta: amount, counterpartyId: transfer.fromUserId, ...common },
  ];
}

export async function notifyTransferCompleted(
  transferId: number,
  fromId: number,
  fromName: string,
  toId: number,
  toName: string,
  amount: string,
  t: Transaction,
): Promise<void> {
  await notifyUsers({ userIds: [fromId], event: 'quota.transfer_sent', link: { resource: 'quota_transfers', id: transferId }, title: say('转账成功', 'Transfer sent'), body: say(`您已向 ${toName} 转出 ${amount} 额度。`, `You transferred ${amount} quota to ${toName}.`) }, t);
  await notifyUsers({ userIds: [toId], event: 'quota.transfer_received', link: { resource: 'quota_transfers', id: transferId }, title: say('收到转账', 'Transfer received'), body: say(`${fromName} 向您转入 ${amount} 额度。`, `${fromName} transferred ${amount} quota to you.`) }, t);
}

interface HoldLimits {
  threshold: string;
  burst: BurstLimit;
}

// Settings are read before the transaction opens: a cache miss inside it would need a second pooled connection.
export const holdLimits = async (): Promise<HoldLimits> => ({
  threshold: normalize(await getSetting('quota.transfer_review_threshold')),
  burst: await burstLimit(),
});

/**
 * Why this transfer must wait for review, if it must: above the threshold, or one outgoing quota
 * movement (transfer, withdrawal, recharge given) too many in the burst window. Runs under the
 * sender's account lock, so counts are exact.
 */
export async function holdReasonFor(senderId: number, amount: string, { threshold, burst }: HoldLimits, t: Transaction): Promise<HoldReason | null> {
  if (toCents(amount) > toCents(threshold)) return 'amount_threshold';
  return (await inBurst(senderId, burst, t)) ? 'burst' : null;
}

export async function superAdminIds(t?: Transaction): Promise<number[]> {
  const rows = await AdminUser.findAll({ attributes: ['id'], where: { role: 'super_admin', status: 'active' }, transaction: t });
  return rows.map((r) => r.id);
}

const result = (transfer: QuotaTransfer, replayed: boolean): TransferResult => ({
  transferId: transfer.id,
  status: transfer.status as TransferResult['status'],
  holdReason: transfer.holdReason as HoldReason | null,
  amount: normalize(transfer.amount),
  fromUserId: transfer.fromUserId,
  toUserId: transfer.toUserId,
  replayed,
});
