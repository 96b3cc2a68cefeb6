import assert from 'node:assert/strict';
import { QuotaTransfer } from '../../models/index.js';
import { account, events, fund, makeUser, refused, replay, snapshot, type TestUser } from '../../../test/support/quota.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import type { SystemConfigKey } from '../systemConfig/definitions.js';
import { rechargeUser } from './rechargeUser.js';
import { reviewTransfer } from './reviewTransfer.js';

/**
 * An agent admin's recharge of their agent moves quota out of their own balance, so the transfer's
 * anomaly rules hold it too: above the review threshold, or one of a burst of outgoing movements.
 */
describe('transaction anomalies: an agent admin recharge held for review', () => {
  let root: TestUser;
  let parent: TestUser;
  const changed: SystemConfigKey[] = [];
  const DEFAULTS: Partial<Record<SystemConfigKey, number>> = { 'quota.transfer_review_threshold': 10_000, 'quota.transfer_burst_count': 10 };
  const set = async (key: SystemConfigKey, value: number) => {
    changed.push(key);
    await updateSetting(key, value as never, root);
  };
  const books = async (...users: TestUser[]) => {
    for (const u of users) {
      const r = await replay(u.id);
      assert.deepEqual([r.balance, r.frozen], [r.lastBalance, r.lastFrozen], `${u.username}'s ledger replays`);
      assert.deepEqual(await account(u.id), { balance: r.balance, frozen: r.frozen });
    }
  };

  before(async () => {
    root = await makeUser('hr_root', 'super_admin');
  });
  beforeEach(async () => {
    parent = await makeUser('hr_parent', 'agent_admin');
    await fund(root, parent, '10000.00');
  });
  afterEach(async () => {
    for (const key of changed.splice(0)) await updateSetting(key, DEFAULTS[key] as never, root);
  });

  it('above the threshold: frozen on the agent admin, nothing reaches the agent, both sides and the super admins told; 放行 credits it', async () => {
    await set('quota.transfer_review_threshold', 500);
    const agent = await makeUser('hr_agent', 'agent', parent.id);
    const ok = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '500' });
    assert.equal(ok.held, null);
    const held = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '600' });
    assert.equal(held.held?.reason, 'amount_threshold');
    assert.deepEqual(await account(parent.id), { balance: '8900.00', frozen: '600.00' });
    assert.deepEqual(await account(agent.id), { balance: '500.00', frozen: '0.00' });
    const row = (await QuotaTransfer.findByPk(held.held!.transferId))!;
    assert.deepEqual([row.kind, row.status, row.fromUserId, row.toUserId], ['recharge', 'pending_review', parent.id, agent.id]);
    assert.ok((await events(parent.id)).includes('quota.recharge_held'));
    assert.ok((await events(root.id)).includes('quota.transfer_review_required'));

    // Neither side may let it through; the super admin does.
    await refused(reviewTransfer({ actor: parent, transferId: row.id, decision: 'approve' }), 'QUOTA_FORBIDDEN');
    await refused(reviewTransfer({ actor: agent, transferId: row.id, decision: 'approve' }), 'QUOTA_FORBIDDEN');
    const released = await reviewTransfer({ actor: root, transferId: row.id, decision: 'approve' });
    assert.equal(released.status, 'completed');
    assert.deepEqual(await account(parent.id), { balance: '8900.00', frozen: '0.00' });
    assert.deepEqual(await account(agent.id), { balance: '1100.00', frozen: '0.00' });
    assert.ok((await events(parent.id)).includes('quota.recharge_released'));
    assert.equal((await events(agent.id)).filter((e) => e === 'quota.recharged').length, 2, 'the agent is told when it arrives, not before');
    await books(parent, agent);
  });

  it('one of a burst is held; 拒绝 returns it, 部分处理 credits the part and returns the rest', async () => {
    await set('quota.transfer_burst_count', 3);
    const agent = await makeUser('hr_agent', 'agent', parent.id);
    for (let i = 0; i < 3; i++) assert.equal((await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '10' })).held, null);
    const a = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '100' });
    const b = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '200' });
    assert.deepEqual([a.held?.reason, b.held?.reason], ['burst', 'burst']);
    assert.deepEqual(await account(parent.id), { balance: '9670.00', frozen: '300.00' });

    await refused(reviewTransfer({ actor: root, transferId: a.held!.transferId, decision: 'reject' }), 'INVALID_INPUT');
    await reviewTransfer({ actor: root, transferId: a.held!.transferId, decision: 'reject', opinion: '请分批核实' });
    await reviewTransfer({ actor: root, transferId: b.held!.transferId, decision: 'partial', opinion: '先放行一部分', approvedAmount: '50' });
    assert.deepEqual(await account(parent.id), { balance: '9920.00', frozen: '0.00' });
    assert.deepEqual(await account(agent.id), { balance: '80.00', frozen: '0.00' });
    assert.ok((await events(parent.id)).includes('quota.recharge_rejected'));
    assert.ok((await events(parent.id)).includes('quota.recharge_partially_released'));
    await books(parent, agent);
  });

  it('a replay of a held recharge returns the same hold and freezes nothing twice; a super admin recharge is never held', async () => {
    await set('quota.transfer_review_threshold', 100);
    const agent = await makeUser('hr_agent', 'agent', parent.id);
    const first = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '300', idempotencyKey: 'hr-replay' });
    const again = await rechargeUser({ actor: parent, targetUserId: agent.id, amount: '300', idempotencyKey: 'hr-replay' });
    assert.equal(again.replayed, true);
    assert.deepEqual(again.held, first.held);
    assert.deepEqual(await account(parent.id), { balance: '9700.00', frozen: '300.00' });

    const system = await rechargeUser({ actor: root, targetUserId: agent.id, amount: '5000' });
    assert.equal(system.held, null);
    assert.deepEqual(await account(agent.id), { balance: '5000.00', frozen: '0.00' });
    await books(parent, agent);
  });

  it('a refused recharge (more than the agent admin has) holds nothing and changes nothing', async () => {
    await set('quota.transfer_review_threshold', 100);
    const agent = await makeUser('hr_agent', 'agent', parent.id);
    const before = await snapshot([parent.id, agent.id]);
    await refused(rechargeUser({ actor: parent, targetUserId: agent.id, amount: '20000' }), 'INSUFFICIENT_QUOTA');
    assert.deepEqual(await snapshot([parent.id, agent.id]), before);
    assert.equal(await QuotaTransfer.count({ where: { fromUserId: parent.id } }), 0);
  });
});
