import assert from 'node:assert/strict';
import { Withdrawal } from '../../models/index.js';
import { account, events, fund, makeUser, refused, replay, snapshot, type TestUser } from '../../../test/support/quota.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import type { SystemConfigKey } from '../systemConfig/definitions.js';
import { requestWithdrawal } from './requestWithdrawal.js';
import { reviewHeldWithdrawal } from './reviewHeldWithdrawal.js';
import { reviewWithdrawal } from './reviewWithdrawal.js';
import { transferQuota } from './transferQuota.js';
import { cancelWithdrawal } from './cancelWithdrawal.js';

/** Abnormal withdrawals and bursts of quota movements held for review. */
describe('transaction anomalies: withdrawals held for review', () => {
  let root: TestUser;
  let parent: TestUser;
  const changed: SystemConfigKey[] = [];
  const set = async (key: SystemConfigKey, value: number) => {
    changed.push(key);
    await updateSetting(key, value as never, root);
  };
  const agentWith = async (balance: string) => {
    const agent = await makeUser('wh_agent', 'agent', parent.id);
    await fund(root, agent, balance);
    return agent;
  };
  const withdraw = (agent: TestUser, amount: string) => requestWithdrawal({ actor: agent, amount, accountInfo: '工商银行 6222 张三' });

  before(async () => {
    root = await makeUser('wh_root', 'super_admin');
    parent = await makeUser('wh_parent', 'agent_admin');
  });
  afterEach(async () => {
    const defaults: Partial<Record<SystemConfigKey, number>> = {
      'quota.withdrawal_review_threshold': 5000,
      'quota.withdrawal_review_balance_percent': 80,
      'quota.withdrawal_daily_max': 3,
      'quota.transfer_burst_count': 10,
    };
    for (const key of changed.splice(0)) await updateSetting(key, defaults[key] as never, root);
  });

  it('above the amount threshold: held frozen, and the applicant, the super admins and the usual reviewer are told', async () => {
    await set('quota.withdrawal_review_threshold', 500);
    const agent = await agentWith('2000.00');
    const ok = await withdraw(agent, '500');
    assert.deepEqual([ok.status, ok.holdReason], ['pending', null]);
    const held = await withdraw(agent, '500.01');
    assert.deepEqual([held.status, held.holdReason], ['pending_review', 'amount_threshold']);
    assert.deepEqual(await account(agent.id), { balance: '999.99', frozen: '1000.01' });
    assert.ok((await events(agent.id)).includes('quota.withdrawal_held'));
    assert.ok((await events(root.id)).includes('quota.withdrawal_hold_review_required'));
    assert.ok((await events(parent.id)).includes('quota.withdrawal_held'));
    // The usual reviewer cannot pay it before the super admin has decided.
    await refused(reviewWithdrawal({ actor: parent, withdrawalId: held.withdrawalId, decision: 'approve', paymentReference: 'BANK-1' }), 'WITHDRAWAL_NOT_PENDING');
  });

  it('above a share of the balance, or more than N in a day, is held', async () => {
    const agent = await agentWith('1000.00');
    assert.equal((await withdraw(agent, '800')).holdReason, null, '80% of 1000 is not above 80%');
    const other = await agentWith('1000.00');
    assert.equal((await withdraw(other, '800.01')).holdReason, 'balance_share');

    await set('quota.withdrawal_daily_max', 2);
    const busy = await agentWith('10000.00');
    for (let i = 0; i < 2; i++) assert.equal((await withdraw(busy, '100')).holdReason, null);
    assert.equal((await withdraw(busy, '100')).holdReason, 'daily_count');
  });

  it('a burst of outgoing quota movements of any kind holds the next withdrawal or transfer', async () => {
    await set('quota.transfer_burst_count', 3);
    const agent = await agentWith('10000.00');
    const peer = await makeUser('wh_peer', 'agent', parent.id);
    assert.equal((await transferQuota({ actor: agent, recipientUsername: peer.username, amount: '10' })).status, 'completed');
    assert.equal((await withdraw(agent, '100')).holdReason, null);
    assert.equal((await transferQuota({ actor: agent, recipientUsername: peer.username, amount: '10' })).status, 'completed');
    assert.equal((await withdraw(agent, '100')).holdReason, 'burst', 'two transfers and a withdrawal came first');
    const t = await transferQuota({ actor: agent, recipientUsername: peer.username, amount: '10' });
    assert.deepEqual([t.status, t.holdReason], ['pending_review', 'burst']);
  });

  it('放行 sends it on to payment review; 拒绝 unfreezes; 部分处理 sends the part on and unfreezes the rest — ledgers replay', async () => {
    await set('quota.withdrawal_review_threshold', 100);
    const agent = await agentWith('3000.00');
    const a = await withdraw(agent, '1000');
    const b = await withdraw(agent, '700');
    const c = await withdraw(agent, '900');
    assert.deepEqual(await account(agent.id), { balance: '400.00', frozen: '2600.00' });

    const released = await reviewHeldWithdrawal({ actor: root, withdrawalId: a.withdrawalId, decision: 'approve' });
    assert.equal(released.status, 'pending');
    assert.ok((await events(parent.id)).includes('quota.withdrawal_review_required'));
    await reviewWithdrawal({ actor: parent, withdrawalId: a.withdrawalId, decision: 'approve', paymentReference: 'BANK-A' });
    assert.deepEqual(await account(agent.id), { balance: '400.00', frozen: '1600.00' });

    await refused(reviewHeldWithdrawal({ actor: root, withdrawalId: b.withdrawalId, decision: 'reject' }), 'INVALID_INPUT');
    const rejected = await reviewHeldWithdrawal({ actor: root, withdrawalId: b.withdrawalId, decision: 'reject', opinion: '收款账户与实名不符' });
    assert.equal(rejected.status, 'rejected');
    assert.deepEqual(await account(agent.id), { balance: '1100.00', frozen: '900.00' });

    await refused(reviewHeldWithdrawal({ actor: root, withdrawalId: c.withdrawalId, decision: 'partial', opinion: '部分', approvedAmount: '900' }), 'ABOVE_MAXIMUM');
    const partial = await reviewHeldWithdrawal({ actor: root, withdrawalId: c.withdrawalId, decision: 'partial', opinion: '先放行一部分', approvedAmount: '300.50' });
    assert.equal(partial.status, 'pending');
    assert.equal((await Withdrawal.findByPk(c.withdrawalId))!.approvedAmount, '300.50');
    assert.deepEqual(await account(agent.id), { balance: '1699.50', frozen: '300.50' });
    assert.ok((await events(agent.id)).includes('quota.withdrawal_hold_released'));
    await reviewWithdrawal({ actor: parent, withdrawalId: c.withdrawalId, decision: 'approve', paymentReference: 'BANK-C' });
    assert.deepEqual(await account(agent.id), { balance: '1699.50', frozen: '0.00' });

    const r = await replay(agent.id);
    assert.deepEqual([r.balance, r.frozen], ['1699.50', '0.00']);
  });

  it('only a super admin reviews a held withdrawal, once; the applicant may cancel it; refusals change nothing', async () => {
    await set('quota.withdrawal_review_threshold', 100);
    const agent = await agentWith('1000.00');
    const held = await withdraw(agent, '500');
    const before = await snapshot([agent.id, parent.id]);
    await refused(reviewHeldWithdrawal({ actor: parent, withdrawalId: held.withdrawalId, decision: 'approve' }), 'QUOTA_FORBIDDEN');
    await refused(reviewHeldWithdrawal({ actor: agent, withdrawalId: held.withdrawalId, decision: 'approve' }), 'QUOTA_FORBIDDEN');
    await refused(reviewHeldWithdrawal({ actor: root, withdrawalId: held.withdrawalId, decision: 'maybe' }), 'INVALID_INPUT');
    assert.deepEqual(await snapshot([agent.id, parent.id]), before);

    const outcomes = await Promise.allSettled([
      reviewHeldWithdrawal({ actor: root, withdrawalId: held.withdrawalId, decision: 'reject', opinion: '拒绝' }),
      reviewHeldWithdrawal({ actor: root, withdrawalId: held.withdrawalId, decision: 'partial', opinion: '部分', approvedAmount: '100' }),
    ]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'exactly one review wins');
    const r = await replay(agent.id);
    const stored = await account(agent.id);
    assert.deepEqual([r.balance, r.frozen], [stored.balance, stored.frozen]);

    const second = await withdraw(agent, '200');
    assert.equal(second.status, 'pending_review');
    const cancelled = await cancelWithdrawal({ actor: agent, withdrawalId: second.withdrawalId });
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(await account(agent.id), stored);
  });
});
