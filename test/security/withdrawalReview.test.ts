import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { OperationLog, Withdrawal } from '../../server/models/index.js';
import { AdminClient, isRefused } from '../admin/client.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { fund, makeUser, snapshot, type TestUser } from '../support/quota.js';

/** Issue 11 item 9: a withdrawal review takes approve or reject only (its own schema, not the transfer review's). */
describe('security: withdrawal review decisions', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser;
  let admin: TestUser;
  let agent: TestUser;
  let asAdmin: AdminClient;

  before(async () => {
    root = await makeUser('wr_root', 'super_admin');
    admin = await makeUser('wr_adm', 'agent_admin');
    agent = await makeUser('wr_ag', 'agent', admin.id);
    await fund(root, admin, '1000.00');
    await fund(admin, agent, '500.00');
    srv = await startTestServer({ mountAdmin });
    asAdmin = await AdminClient.login(srv.url, admin.username, 'abcd1234');
    const asAgent = await AdminClient.login(srv.url, agent.username, 'abcd1234');
    const r = await asAgent.postJson('/admin/api/resources/withdrawals/actions/requestWithdrawal', { amount: '200', accountInfo: '工商银行 6222' });
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body));
  });
  after(async () => srv.close());

  it('decision=partial (or anything but approve/reject) is refused and changes nothing', async () => {
    const w = (await Withdrawal.findOne({ where: { userId: agent.id, status: 'pending' } }))!;
    const before = await snapshot([root.id, admin.id, agent.id]);
    for (const decision of ['partial', 'PARTIAL', '', 'approve ']) {
      const r = await asAdmin.postJson(`/admin/api/resources/withdrawals/records/${w.id}/review`, { decision, opinion: '试试', paymentReference: 'X-1' });
      assert.ok(isRefused(r), `decision=${JSON.stringify(decision)} must be refused: ${JSON.stringify(r.body)}`);
      assert.match(r.body.notice?.message ?? '', /通过或拒绝/);
    }
    assert.deepEqual(await snapshot([root.id, admin.id, agent.id]), before);
    assert.equal((await Withdrawal.findByPk(w.id))!.status, 'pending');
    assert.equal(await OperationLog.count({ where: { resource: 'withdrawals', action: 'review_partial' } }), 0);
  });

  it('approve and reject still work', async () => {
    const w = (await Withdrawal.findOne({ where: { userId: agent.id, status: 'pending' } }))!;
    const r = await asAdmin.postJson(`/admin/api/resources/withdrawals/records/${w.id}/review`, { decision: 'reject', opinion: '账户信息不全' });
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body));
    assert.equal((await Withdrawal.findByPk(w.id))!.status, 'rejected');
  });
});
