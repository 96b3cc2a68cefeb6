import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { say } from '../../i18n.js';
import { optionalText, parseInput, recordId, type RawInput } from '../../lib/input.js';
import { QuotaAccount, QuotaLedgerEntry, QuotaTransfer } from '../../models/index.js';
import { canManageUser, isSuperAdmin, notYourUser, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate, normalize } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import {
  type AccountUser,
  type CommandMeta,
  currentActor,
  findUser,
  lockAccounts,
  newReference,
  runCommand,
  scopedIdempotencyKey,
  validAmount,
} from './command.js';
import { accountFrozen, accountInactive, INVALID_QUOTA_INPUT } from './refusals.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';
import { holdLimits, holdReasonFor, superAdminIds, transferReference, type HoldReason } from './transferQuota.js';

export const rechargeUserSchema = z.object({
  targetUserId: recordId(say('用户', 'user')),
  /** Checked against the configured maximum by the command (validAmount). */
  amount: z.unknown().optional(),
  memo: optionalText(say('备注', 'The memo'), 500),
});

export type RechargeUserInput = CommandMeta & RawInput<typeof rechargeUserSchema>;

export interface RechargeResult {
  reference: string;
  targetUserId: number;
  amount: string;
  /** true: created by the system (super admin); false: moved from the acting agent admin's balance. */
  system: boolean;
  targetBalance: string;
  /** Held for a super admin's review (an agent admin's large recharge, or one of a burst): the amount is frozen, nothing reached the target yet. */
  held: { transferId: number; reason: HoldReason } | null;
  replayed: boolean;
}

/**
 * 充值. A super admin creates quota for any user (system recharge, one ledger row); an agent admin
 * moves quota from their own balance to one of their own agents (two ledger rows), refused when
 * they lack it. An agent admin's recharge is a quota movement out of their hands like a transfer,
 * so the transfer's anomaly rules hold it too (above the review threshold, or one of a burst): the
 * amount is frozen on the agent admin as a `quota_transfers` row of kind `recharge`, and a super
 * admin releases, rejects or partly releases it through the transfer review.
 */
export async function rechargeUser(input: RechargeUserInput): Promise<RechargeResult> {
  await guardSensitiveOperation(input.actor.id, 'quota_recharge', input.ip);
  const amount = await validAmount(input.amount, '充值额度');
  const { targetUserId, memo } = parseInput(rechargeUserSchema, input, INVALID_QUOTA_INPUT);
  const key = scopedIdempotencyKey(input, 'recharge');
  const limits = await holdLimits();

  return runCommand<RechargeResult>(
    key,
    async (t) => {
      const { actor, user: giver } = await currentActor(input, t);
      authorize(actor, 'recharge', 'admin_users');
      const target = await findUser(targetUserId, t);
      if (!target || !canManageUser(actor, target)) throw notYourUser();
      if (target.status === 'frozen') throw accountFrozen('该用户');
      if (target.status !== 'active') throw accountInactive('该用户');
      const system = isSuperAdmin(actor);
      const reference = { type: 'recharge', id: newReference() };
      await lockAccounts(system ? [target.id] : [actor.id, target.id], t);
      const holdReason = system ? null : await holdReasonFor(actor.id, amount, limits, t);
      if (holdReason) return holdRecharge({ actor, giver, target, amount, memo, holdReason, key, ip: input.ip ?? null }, t);
      await applyQuotaChanges(
        system
          ? [{ userId: target.id, type: 'system_recharge', balanceDelta: amount, reference, actorId: actor.id, memo, idempotencyKey: key }]
          : [
              { userId: actor.id, type: 'recharge_out', balanceDelta: negate(amount), reference, counterpartyId: target.id, actorId: actor.id, memo, idempotencyKey: key },
              { userId: target.id, type: 'recharge_in', balanceDelta: amount, reference, counterpartyId: actor.id, actorId: actor.id, memo },
            ],
        t,
      );
      const after = { amount, system, targetUserId: target.id, reference: reference.id, memo };
      for (const ownerId of system ? [target.id] : [target.id, actor.id]) {
        await recordOperation({ actor, ownerId, action: 'recharge', resource: 'quota_accounts', recordId: target.id, after, ip: input.ip }, t);
      }
      const actorName = system ? say('系统', 'The system') : say('您的上级管理员', 'Your admin');
      await notifyUsers(
        {
          userIds: [target.id],
          event: 'quota.recharged',
          title: say('额度充值到账', 'Quota recharged'),
          body: say(`${actorName['zh-CN']}为您充值了 ${amount} 额度。${memo ? `备注：${memo}` : ''}`, `${actorName.en} recharged ${amount} quota to you.${memo ? ` Memo: ${memo}` : ''}`),
        },
        t,
      );
      if (!system) {
        await notifyUsers(
          { userIds: [actor.id], event: 'quota.recharge_sent', title: say('代理充值成功', 'Agent recharged'), body: say(`您为代理 ${target.username} 充值了 ${amount} 额度，已从您的额度中扣除。`, `You recharged ${amount} quota to your agent ${target.username}; it was taken from your balance.`) },
          t,
        );
      }
      return { reference: reference.id, targetUserId: target.id, amount, system, targetBalance: await balanceOf(target.id, t), held: null, replayed: false };
    },
    async (prior) => {
      if (prior.referenceType === 'quota_transfer') {
        const transfer = (await QuotaTransfer.findByPk(Number(prior.referenceId)))!;
        return heldResult(transfer, await balanceOf(transfer.toUserId), true);
      }
      const rows = await QuotaLedgerEntry.findAll({ where: { referenceType: 'recharge', referenceId: prior.referenceId } });
      const credited = rows.find((r) => r.type === 'system_recharge' || r.type === 'recharge_in')!;
      return {
        reference: prior.referenceId!,
        targetUserId: credited.userId,
        amount: credited.balanceDelta,
        system: credited.type === 'system_recharge',
        targetBalance: await balanceOf(credited.userId),
        held: null,
        replayed: true,
      };
    },
  );
}

async function balanceOf(userId: number, t?: Transaction): Promise<string> {
  return (await QuotaAccount.findByPk(userId, { attributes: ['balance'], transaction: t }))!.balance;
}

interface HeldRecharge {
  actor: Actor;
  giver: AccountUser;
  target: { id: number; username: string };
  amount: string;
  memo: string | null | undefined;
  holdReason: HoldReason;
  key: string | null;
  ip: string | null;
}

/** Freezes an agent admin's recharge for review (the caller holds both account locks), audits it and tells both sides. */
async function holdRecharge({ actor, giver, target, amount, memo, holdReason, key, ip }: HeldRecharge, t: Transaction): Promise<RechargeResult> {
  const transfer = await QuotaTransfer.create(
    { fromUserId: actor.id, toUserId: target.id, amount, status: 'pending_review', holdReason, memo: memo ?? null, kind: 'recharge' },
    { transaction: t },
  );
  await applyQuotaChanges(
    [{ userId: actor.id, type: 'transfer_freeze', balanceDelta: negate(amount), frozenDelta: amount, counterpartyId: target.id, reference: transferReference(transfer.id), actorId: actor.id, memo, idempotencyKey: key }],
    t,
  );
  await recordOperation(
    { actor, ownerId: actor.id, action: 'recharge', resource: 'quota_transfers', recordId: transfer.id, after: { amount, to: target.username, status: 'pending_review', holdReason }, ip },
    t,
  );
  const why = holdReason === 'burst' ? say('短时间内额度转出过于频繁', 'too many quota moves in a short time') : say('充值金额较大', 'a large amount');
  const link = { resource: 'quota_transfers', id: transfer.id };
  await notifyUsers(
    {
      userIds: [actor.id],
      event: 'quota.recharge_held',
      link,
      title: say('充值待审核', 'Recharge held for review'),
      body: say(
        `您为代理 ${target.username} 充值 ${amount} 额度（${why['zh-CN']}），需超级管理员审核，审核前该额度已从您的余额冻结。`,
        `Your recharge of ${amount} quota to your agent ${target.username} (${why.en}) must be reviewed by a super admin; the quota is frozen in your balance until then.`,
      ),
    },
    t,
  );
  await notifyUsers(
    {
      userIds: await superAdminIds(t),
      event: 'quota.transfer_review_required',
      link,
      title: say('异常充值待审核', 'Abnormal recharge to review'),
      body: say(
        `${giver.username} 为代理 ${target.username} 充值 ${amount} 额度（${why['zh-CN']}），请审核：放行、拒绝或部分处理。`,
        `${giver.username} is recharging ${amount} quota to their agent ${target.username} (${why.en}). Please review it: release, reject or release in part.`,
      ),
    },
    t,
  );
  return heldResult(transfer, await balanceOf(target.id, t), false);
}

const heldResult = (transfer: QuotaTransfer, targetBalance: string, replayed: boolean): RechargeResult => ({
  reference: `quota_transfer:${transfer.id}`,
  targetUserId: transfer.toUserId,
  amount: normalize(transfer.amount),
  system: false,
  targetBalance,
  held: { transferId: transfer.id, reason: transfer.holdReason as HoldReason },
  replayed,
});
