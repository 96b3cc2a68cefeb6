import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { say } from '../../i18n.js';
import { optionalText, parseInput, recordId, type RawInput } from '../../lib/input.js';
import { QuotaAccount, QuotaLedgerEntry } from '../../models/index.js';
import { canManageUser, isSuperAdmin, notYourUser } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { negate } from './amount.js';
import { applyQuotaChanges } from './ledger.js';
import {
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
  replayed: boolean;
}

/**
 * 充值. A super admin creates quota for any user (system recharge, one ledger row); an agent admin
 * moves quota from their own balance to one of their own agents (two ledger rows), refused when
 * they lack it.
 */
export async function rechargeUser(input: RechargeUserInput): Promise<RechargeResult> {
  await guardSensitiveOperation(input.actor.id, 'quota_recharge', input.ip);
  const amount = await validAmount(input.amount, '充值额度');
  const { targetUserId, memo } = parseInput(rechargeUserSchema, input, INVALID_QUOTA_INPUT);
  const key = scopedIdempotencyKey(input, 'recharge');

  return runCommand<RechargeResult>(
    key,
    async (t) => {
      const { actor } = await currentActor(input, t);
      authorize(actor, 'recharge', 'admin_users');
      const target = await findUser(targetUserId, t);
      if (!target || !canManageUser(actor, target)) throw notYourUser();
      if (target.status === 'frozen') throw accountFrozen('该用户');
      if (target.status !== 'active') throw accountInactive('该用户');
      const system = isSuperAdmin(actor);
      const reference = { type: 'recharge', id: newReference() };
      await lockAccounts(system ? [target.id] : [actor.id, target.id], t);
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
      return { reference: reference.id, targetUserId: target.id, amount, system, targetBalance: await balanceOf(target.id, t), replayed: false };
    },
    async (prior) => {
      const rows = await QuotaLedgerEntry.findAll({ where: { referenceType: 'recharge', referenceId: prior.referenceId } });
      const credited = rows.find((r) => r.type === 'system_recharge' || r.type === 'recharge_in')!;
      return {
        reference: prior.referenceId!,
        targetUserId: credited.userId,
        amount: credited.balanceDelta,
        system: credited.type === 'system_recharge',
        targetBalance: await balanceOf(credited.userId),
        replayed: true,
      };
    },
  );
}

async function balanceOf(userId: number, t?: Transaction): Promise<string> {
  return (await QuotaAccount.findByPk(userId, { attributes: ['balance'], transaction: t }))!.balance;
}
