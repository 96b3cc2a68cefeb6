import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { Withdrawal } from '../../server/models/index.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { AdminClient, isRefused } from './client.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { account, fund, makeUser, snapshot, type TestUser } from '../support/quota.js';

/** 申请提现 held as abnormal, and its 异常审核 (放行/拒绝/部分处理), through AdminJS's HTTP API by every role. */
describe('held withdrawals through the AdminJS back office', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser;
  let admin: TestUser;
  let agent: TestUser;
  const as: Record<string, AdminClient> = {};

  before(async () => {
    root = await makeUser('hw_root', 'super_admin');
    admin = await makeUser('hw_adm', 'agent_admin');
    agent = await makeUser('hw_ag', 'agent', admin.id);
    await fund(root, agent, '5000.00');
    await updateSetting('quota.withdrawal_review_threshold', 1000, root);
    srv = await startTestServer({ mountAdmin });
    for (const u of [root, admin, agent]) as[u.username] = await AdminClient.login(srv.url, u.username, 'abcd1234');
  });
  after(async () => {
    await updateSetting('quota.withdrawal_review_threshold', 5000, root);
    await srv.close();
  });

  const request = async (amount: string) => {
    const r = await as[agent.username]!.postJson('/admin/api/resources/withdrawals/actions/requestWithdrawal', { amount, accountInfo: '招商银行 6225 李四' });
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body));
    return r;
  };
  const newest = async () => (await Withdrawal.findOne({ where: { userId: agent.id }, order: [['id', 'DESC']] }))!;
  const reviewHold = (who: TestUser, id: number, fields: Record<string, string>) =>
    as[who.username]!.postJson(`/admin/api/resources/withdrawals/records/${id}/reviewHold`, fields);

  it('a large withdrawal is held with a message saying so; agent admins and agents cannot run the risk review', async () => {
    const r = await request('1500');
    assert.match(r.body.notice!.message, /需超级管理员风险审核/);
    const held = await newest();
    assert.deepEqual([held.status, held.holdReason], ['pending_review', 'amount_threshold']);
    const before = await snapshot([agent.id, admin.id]);
    for (const who of [admin, agent]) assert.ok(isRefused(await reviewHold(who, held.id, { decision: 'approve' })));
    // Nor can the agent admin pay it before the review.
    assert.ok(isRefused(await as[admin.username]!.postJson(`/admin/api/resources/withdrawals/records/${held.id}/review`, { decision: 'approve', paymentReference: 'X' })));
    assert.deepEqual(await snapshot([agent.id, admin.id]), before);
  });

  it('the super admin: 放行, 拒绝 (opinion required) and 部分处理', async () => {
    const first = await newest();
    const approved = await reviewHold(root, first.id, { decision: 'approve' });
    assert.equal(approved.body.notice?.type, 'success', JSON.stringify(approved.body));
    assert.equal((await Withdrawal.findByPk(first.id))!.status, 'pending');

    await request('1200');
    const second = await newest();
    const noOpinion = await reviewHold(root, second.id, { decision: 'reject' });
    assert.ok(isRefused(noOpinion));
    assert.match(noOpinion.body.notice!.message, /拒绝时请填写审核意见/);
    assert.equal((await reviewHold(root, second.id, { decision: 'reject', opinion: '可疑' })).body.notice?.type, 'success');
    assert.equal((await Withdrawal.findByPk(second.id))!.status, 'rejected');

    await request('1100');
    const third = await newest();
    const part = await reviewHold(root, third.id, { decision: 'partial', approvedAmount: '400', opinion: '先付一部分' });
    assert.equal(part.body.notice?.type, 'success', JSON.stringify(part.body));
    assert.equal((await Withdrawal.findByPk(third.id))!.approvedAmount, '400.00');
    // 5000 − 1500 (released, still frozen) − 400 (part, still frozen); the rejected 1200 and the other 700 are back.
    assert.deepEqual(await account(agent.id), { balance: '3100.00', frozen: '1900.00' });
    assert.ok(isRefused(await reviewHold(root, third.id, { decision: 'approve' })), 'reviewed once');
  });
});
