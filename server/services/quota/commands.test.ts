import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { AdminUser, OperationLog, QuotaLedgerEntry, QuotaTransfer, Withdrawal } from '../../models/index.js';
import {
  cancelWithdrawal,
  rechargeUser,
  requestWithdrawal,
  reviewTransfer,
  reviewWithdrawal,
  transferQuota,
} from './index.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { account, events, fund, latestNotification, makeCast, makeUser, refused, replay, snapshot, type TestUser } from '../../../test/support/quota.js';

async function ledgerTypes(userId: number, since: number): Promise<string[]> {
  const rows = await db().query<{ type: string }>('SELECT type FROM quota_ledger WHERE user_id = :userId AND id > :since ORDER BY id', {
    replacements: { userId, since },
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => r.type);
}

const lastLedgerId = async (): Promise<number> => ((await QuotaLedgerEntry.max('id')) as number | null) ?? 0;

describe('quota commands', () => {
  let root: TestUser, admin1: TestUser, admin2: TestUser, agentA: TestUser, agentB: TestUser, agentC: TestUser;

  before(async () => {
    ({ root, admin1, admin2, agentA, agentB, agentC } = await makeCast('q'));
    await fund(root, admin1, '10000.00');
    await fund(root, admin2, '1000.00');
  });

  it('super admin recharge creates quota as a system recharge and notifies the user', async () => {
    const since = await lastLedgerId();
    const before = await account(agentC.id);
    const result = await rechargeUser({ actor: root, targetUserId: agentC.id, amount: '250.5', memo: '开户', ip: '10.0.0.1' });
    assert.equal(result.system, true);
    assert.equal(result.amount, '250.50');
    assert.equal((await account(agentC.id)).balance, (Number(before.balance) + 250.5).toFixed(2));
    assert.deepEqual(await ledgerTypes(agentC.id, since), ['system_recharge']);
    assert.deepEqual(await ledgerTypes(root.id, since), []);
    assert.equal((await latestNotification(agentC.id))!.event, 'quota.recharged');
    const log = await OperationLog.findOne({ where: { action: 'recharge', ownerId: agentC.id }, order: [['id', 'DESC']] });
    assert.equal(log!.actorId, root.id);
    assert.equal(log!.ip, '10.0.0.1');
  });

  it('agent admin recharge moves quota from their own balance to their agent (two rows, both notified)', async () => {
    const since = await lastLedgerId();
    const adminBefore = await account(admin1.id);
    await rechargeUser({ actor: admin1, targetUserId: agentA.id, amount: '3000', ip: '10.0.0.2' });
    await rechargeUser({ actor: admin1, targetUserId: agentB.id, amount: '1000' });
    assert.equal((await account(admin1.id)).balance, (Number(adminBefore.balance) - 4000).toFixed(2));
    assert.equal((await account(agentA.id)).balance, '3000.00');
    assert.deepEqual(await ledgerTypes(admin1.id, since), ['recharge_out', 'recharge_out']);
    assert.deepEqual(await ledgerTypes(agentA.id, since), ['recharge_in']);
    const row = await QuotaLedgerEntry.findOne({ where: { userId: agentA.id, type: 'recharge_in' } });
    assert.equal(row!.counterpartyId, admin1.id);
    assert.equal(row!.actorId, admin1.id);
    assert.equal((await latestNotification(agentB.id))!.event, 'quota.recharged');
    assert.equal((await latestNotification(admin1.id))!.event, 'quota.recharge_sent');
  });

  it('transfer by username: freeze, move, unfreeze in one go; ledgers replay; both sides notified', async () => {
    const since = await lastLedgerId();
    const result = await transferQuota({ actor: agentA, recipientUsername: agentB.username.toUpperCase(), amount: '100.25', ip: '10.0.0.3' });
    assert.equal(result.status, 'completed');
    assert.equal((await account(agentA.id)).balance, '2899.75');
    assert.equal((await account(agentA.id)).frozen, '0.00');
    assert.equal((await account(agentB.id)).balance, '1100.25');
    assert.deepEqual(await ledgerTypes(agentA.id, since), ['transfer_freeze', 'transfer_out']);
    assert.deepEqual(await ledgerTypes(agentB.id, since), ['transfer_in']);
    for (const u of [agentA, agentB]) {
      const r = await replay(u.id);
      const a = await account(u.id);
      assert.deepEqual([r.balance, r.frozen, r.lastBalance, r.lastFrozen], [a.balance, a.frozen, a.balance, a.frozen]);
    }
    assert.equal((await latestNotification(agentA.id))!.event, 'quota.transfer_sent');
    assert.equal((await latestNotification(agentB.id))!.event, 'quota.transfer_received');
    const logs = await OperationLog.findAll({ where: { resource: 'quota_transfers', recordId: String(result.transferId) } });
    assert.deepEqual(logs.map((l) => l.ownerId).sort(), [agentA.id, agentB.id].sort());
    assert.ok(logs.every((l) => l.ip === '10.0.0.3' && l.actorId === agentA.id));
  });

  it('a transfer above the review threshold is held frozen; approve moves it', async () => {
    await updateSetting('quota.transfer_review_threshold', 500, root);
    try {
      const result = await transferQuota({ actor: agentA, recipientUsername: agentC.username, amount: '600' });
      assert.equal(result.status, 'pending_review');
      assert.equal(result.holdReason, 'amount_threshold');
      assert.deepEqual(await account(agentA.id), { balance: '2299.75', frozen: '600.00' });
      const cBefore = await account(agentC.id);
      assert.equal((await latestNotification(agentA.id))!.event, 'quota.transfer_held');
      assert.ok((await events(root.id)).includes('quota.transfer_review_required'));

      await refused(reviewTransfer({ actor: admin1, transferId: result.transferId, decision: 'approve' }), 'QUOTA_FORBIDDEN', /超级管理员/);
      const reviewed = await reviewTransfer({ actor: root, transferId: result.transferId, decision: 'approve', opinion: '已核实' });
      assert.equal(reviewed.status, 'completed');
      assert.deepEqual(await account(agentA.id), { balance: '2299.75', frozen: '0.00' });
      assert.equal((await account(agentC.id)).balance, (Number(cBefore.balance) + 600).toFixed(2));
      const transfer = await QuotaTransfer.findByPk(result.transferId);
      assert.equal(transfer!.reviewerId, root.id);
      assert.equal(transfer!.reviewOpinion, '已核实');
      assert.equal((await latestNotification(agentC.id))!.event, 'quota.transfer_received');
      await refused(reviewTransfer({ actor: root, transferId: result.transferId, decision: 'reject', opinion: 'x' }), 'TRANSFER_NOT_PENDING', /待审核/);
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
    }
  });

  it('too many transfers in the window are held; reject unfreezes (opinion required)', async () => {
    // Funded before the limit is lowered: the agent admin's recharge is an outgoing movement of theirs, held in a burst too.
    const sender = await makeUser('q_burst', 'agent', admin1.id);
    await rechargeUser({ actor: admin1, targetUserId: sender.id, amount: '100' });
    await updateSetting('quota.transfer_burst_count', 2, root);
    try {
      const first = await transferQuota({ actor: sender, recipientUsername: agentB.username, amount: '10' });
      const second = await transferQuota({ actor: sender, recipientUsername: agentB.username, amount: '10' });
      const third = await transferQuota({ actor: sender, recipientUsername: agentB.username, amount: '10' });
      assert.deepEqual([first.status, second.status, third.status], ['completed', 'completed', 'pending_review']);
      assert.equal(third.holdReason, 'burst');
      assert.deepEqual(await account(sender.id), { balance: '70.00', frozen: '10.00' });

      await refused(reviewTransfer({ actor: root, transferId: third.transferId, decision: 'reject' }), 'INVALID_INPUT', /审核意见/);
      const reviewed = await reviewTransfer({ actor: root, transferId: third.transferId, decision: 'reject', opinion: '频繁转账，请联系客服' });
      assert.equal(reviewed.status, 'rejected');
      assert.deepEqual(await account(sender.id), { balance: '80.00', frozen: '0.00' });
      assert.equal((await latestNotification(sender.id))!.event, 'quota.transfer_rejected');
      const r = await replay(sender.id);
      assert.deepEqual([r.balance, r.frozen], ['80.00', '0.00']);
    } finally {
      await updateSetting('quota.transfer_burst_count', 10, root);
    }
  });

  it('withdrawal: frozen on request; approve deducts, reject and cancel unfreeze', async () => {
    const w = await makeUser('q_wd', 'agent', admin1.id);
    await rechargeUser({ actor: admin1, targetUserId: w.id, amount: '1000' });

    const approved = await requestWithdrawal({ actor: w, amount: '300', accountInfo: '招商银行 6225 **** 张三' });
    assert.deepEqual(await account(w.id), { balance: '700.00', frozen: '300.00' });
    assert.ok((await events(admin1.id)).includes('quota.withdrawal_review_required'));
    await refused(reviewWithdrawal({ actor: admin1, withdrawalId: approved.withdrawalId, decision: 'approve' }), 'INVALID_INPUT', /流水号/);
    const done = await reviewWithdrawal({ actor: admin1, withdrawalId: approved.withdrawalId, decision: 'approve', paymentReference: 'BANK-001' });
    assert.equal(done.status, 'approved');
    assert.deepEqual(await account(w.id), { balance: '700.00', frozen: '0.00' });
    assert.equal((await Withdrawal.findByPk(approved.withdrawalId))!.paymentReference, 'BANK-001');
    assert.equal((await latestNotification(w.id))!.event, 'quota.withdrawal_approved');

    const rejected = await requestWithdrawal({ actor: w, amount: '200', accountInfo: '支付宝 zs@example.com' });
    await reviewWithdrawal({ actor: root, withdrawalId: rejected.withdrawalId, decision: 'reject', opinion: '账户信息有误' });
    assert.deepEqual(await account(w.id), { balance: '700.00', frozen: '0.00' });
    assert.equal((await latestNotification(w.id))!.event, 'quota.withdrawal_rejected');

    const cancelled = await requestWithdrawal({ actor: w, amount: '150', accountInfo: '支付宝 zs@example.com' });
    await refused(cancelWithdrawal({ actor: agentA, withdrawalId: cancelled.withdrawalId }), 'WITHDRAWAL_NOT_FOUND', /不存在/);
    assert.equal((await cancelWithdrawal({ actor: w, withdrawalId: cancelled.withdrawalId })).status, 'cancelled');
    assert.deepEqual(await account(w.id), { balance: '700.00', frozen: '0.00' });
    await refused(cancelWithdrawal({ actor: w, withdrawalId: cancelled.withdrawalId }), 'WITHDRAWAL_NOT_PENDING', /待审核/);
    await refused(
      reviewWithdrawal({ actor: admin1, withdrawalId: cancelled.withdrawalId, decision: 'approve', paymentReference: 'X' }),
      'WITHDRAWAL_NOT_PENDING',
      /待审核/,
    );
    const r = await replay(w.id);
    assert.deepEqual([r.balance, r.frozen, r.lastBalance, r.lastFrozen], ['700.00', '0.00', '700.00', '0.00']);
    assert.deepEqual(await ledgerTypes(w.id, 0), [
      'recharge_in',
      'withdrawal_freeze',
      'withdrawal_paid',
      'withdrawal_freeze',
      'withdrawal_unfreeze',
      'withdrawal_freeze',
      'withdrawal_unfreeze',
    ]);
  });

  it('every refusal says why and changes nothing', async () => {
    const frozen = await makeUser('q_frz', 'agent', admin1.id);
    await rechargeUser({ actor: admin1, targetUserId: frozen.id, amount: '500' });
    const pendingUser = await makeUser('q_pend', 'agent', admin1.id);
    await AdminUser.update({ status: 'pending' }, { where: { id: pendingUser.id } });
    const poor = await makeUser('q_poor', 'agent', admin2.id);
    await rechargeUser({ actor: root, targetUserId: poor.id, amount: '150' });
    const pending = await requestWithdrawal({ actor: poor, amount: '100', accountInfo: '银行卡' });
    await AdminUser.update({ status: 'frozen' }, { where: { id: frozen.id } });

    const everyone = [root, admin1, admin2, agentA, agentB, agentC, frozen, pendingUser, poor].map((u) => u.id);
    const cases: Array<[string, () => Promise<unknown>, string, RegExp]> = [
      ['transfer beyond balance', () => transferQuota({ actor: poor, recipientUsername: agentA.username, amount: '60' }), 'INSUFFICIENT_QUOTA', /额度不足/],
      ['agent admin recharge beyond own balance', () => rechargeUser({ actor: admin2, targetUserId: agentC.id, amount: '999999' }), 'INSUFFICIENT_QUOTA', /额度不足/],
      ['withdrawal beyond balance', () => requestWithdrawal({ actor: poor, amount: '100', accountInfo: '银行卡' }), 'INSUFFICIENT_QUOTA', /额度不足/],
      ['transfer below minimum', () => transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '0.99' }), 'BELOW_MINIMUM', /转账额度不能低于 1\.00/],
      ['withdrawal below minimum', () => requestWithdrawal({ actor: agentA, amount: '99.99', accountInfo: '银行卡' }), 'BELOW_MINIMUM', /提现额度不能低于 100\.00/],
      ['unknown recipient', () => transferQuota({ actor: agentA, recipientUsername: 'nobody_here_x', amount: '5' }), 'UNKNOWN_RECIPIENT', /接收方用户不存在/],
      ['self-transfer', () => transferQuota({ actor: agentA, recipientUsername: agentA.username.toUpperCase(), amount: '5' }), 'SELF_TRANSFER', /不能给自己转账/],
      ['frozen sender', () => transferQuota({ actor: frozen, recipientUsername: agentA.username, amount: '5' }), 'ACCOUNT_FROZEN', /您的账户已冻结/],
      ['frozen recipient', () => transferQuota({ actor: agentA, recipientUsername: frozen.username, amount: '5' }), 'ACCOUNT_FROZEN', /对方账户已冻结/],
      ['frozen recharge target', () => rechargeUser({ actor: admin1, targetUserId: frozen.id, amount: '5' }), 'ACCOUNT_FROZEN', /该用户账户已冻结/],
      ['frozen applicant', () => requestWithdrawal({ actor: frozen, amount: '100', accountInfo: '银行卡' }), 'ACCOUNT_FROZEN', /您的账户已冻结/],
      ['inactive recipient', () => transferQuota({ actor: agentA, recipientUsername: pendingUser.username, amount: '5' }), 'ACCOUNT_INACTIVE', /未激活/],
      ['recharge by an agent', () => rechargeUser({ actor: agentA, targetUserId: agentB.id, amount: '5' }), 'NOT_YOUR_USER', /无权管理该用户/],
      ['recharge of another admin\'s agent', () => rechargeUser({ actor: admin2, targetUserId: agentA.id, amount: '5' }), 'NOT_YOUR_USER', /无权管理该用户/],
      ['recharge of a peer agent admin', () => rechargeUser({ actor: admin1, targetUserId: admin2.id, amount: '5' }), 'NOT_YOUR_USER', /无权管理该用户/],
      ['review of another admin\'s agent\'s withdrawal', () => reviewWithdrawal({ actor: admin1, withdrawalId: pending.withdrawalId, decision: 'reject', opinion: 'x' }), 'NOT_YOUR_USER', /无权管理该用户/],
      ['an agent reviewing a withdrawal', () => reviewWithdrawal({ actor: agentC, withdrawalId: pending.withdrawalId, decision: 'reject', opinion: 'x' }), 'NOT_YOUR_USER', /无权管理该用户/],
      ['too many decimals', () => transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '1.234' }), 'INVALID_AMOUNT', /最多两位小数/],
      ['negative amount', () => rechargeUser({ actor: root, targetUserId: agentA.id, amount: '-5' }), 'INVALID_AMOUNT', /最多两位小数的正数/],
      ['zero amount', () => rechargeUser({ actor: root, targetUserId: agentA.id, amount: '0' }), 'INVALID_AMOUNT', /大于 0/],
      ['not a number', () => rechargeUser({ actor: root, targetUserId: agentA.id, amount: 'abc' }), 'INVALID_AMOUNT', /正数/],
      ['above the configured maximum', () => rechargeUser({ actor: root, targetUserId: agentA.id, amount: '10000000.01' }), 'ABOVE_MAXIMUM', /不能超过 10000000\.00/],
      ['withdrawal without account info', () => requestWithdrawal({ actor: agentA, amount: '100', accountInfo: '  ' }), 'INVALID_INPUT', /收款账户信息/],
      ['super admin withdrawal', () => requestWithdrawal({ actor: root, amount: '100', accountInfo: '银行卡' }), 'QUOTA_FORBIDDEN', /超级管理员/],
      ['review of a missing transfer', () => reviewTransfer({ actor: root, transferId: 987654321, decision: 'approve' }), 'TRANSFER_NOT_FOUND', /不存在/],
      ['bad idempotency key', () => transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '5', idempotencyKey: 'has space' }), 'INVALID_IDEMPOTENCY_KEY', /幂等键/],
    ];
    for (const [name, run, reason, message] of cases) {
      const before = await snapshot(everyone);
      await refused(run(), reason, message).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}`);
      });
      assert.deepEqual(await snapshot(everyone), before, `${name} changed something`);
    }
  });

  it('an idempotency key makes a retried command run once and replay its result', async () => {
    const before = await account(agentA.id);
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '7', idempotencyKey: 'tx-retry-1' })),
    );
    assert.equal(new Set(runs.map((r) => r.transferId)).size, 1);
    assert.equal(runs.filter((r) => !r.replayed).length, 1);
    assert.equal((await account(agentA.id)).balance, (Number(before.balance) - 7).toFixed(2));
    const again = await rechargeUser({ actor: root, targetUserId: agentA.id, amount: '1', idempotencyKey: 'tx-retry-1' });
    assert.equal(again.replayed, false, 'keys are scoped per command');
    const replayed = await rechargeUser({ actor: root, targetUserId: agentA.id, amount: '1', idempotencyKey: 'tx-retry-1' });
    assert.equal(replayed.replayed, true);
    assert.equal(replayed.reference, again.reference);
  });
});
