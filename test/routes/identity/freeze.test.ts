import assert from 'node:assert/strict';
import { mountAdmin } from '../../../admin/mount.js';
import { AdminUser, OperationLog } from '../../../server/models/index.js';
import { freezeUser, unfreezeUser } from '../../../server/services/identity/freezeUser.js';
import { AdminClient } from '../../admin/client.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { makeUser } from '../../support/identity.js';

describe('identity: freezing a user', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ mountAdmin });
  });
  after(() => srv.close());

  it('ends a live session at once, blocks login with a clear message; unfreezing restores access', async () => {
    const owner = await makeUser({ role: 'agent_admin' });
    const agent = await makeUser({ parentId: owner.id, password: 'Agent1pass' });
    const session = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    assert.equal((await session.getJson('/admin/api/dashboard')).status, 200);

    await freezeUser({ id: owner.id, role: 'agent_admin', parentId: null }, agent.id, { ip: '10.1.1.1' });
    const next = await session.get('/admin/api/dashboard');
    assert.notEqual(next.status, 200, 'the live session is refused on its next request');

    const login = await fetch(`${srv.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: agent.username, password: 'Agent1pass' }).toString(),
      redirect: 'manual',
    });
    assert.equal(login.status, 400);
    assert.match(await login.text(), /账号已被冻结，请联系管理员/);

    await unfreezeUser({ id: owner.id, role: 'agent_admin', parentId: null }, agent.id);
    const back = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    assert.equal((await back.getJson('/admin/api/dashboard')).status, 200);
    const ops = await OperationLog.findAll({ where: { recordId: String(agent.id), resource: 'admin_users' }, order: [['id', 'ASC']] });
    assert.deepEqual(ops.map((o) => o.action).filter((a) => a === 'freeze' || a === 'unfreeze'), ['freeze', 'unfreeze']);
  });

  it('the 冻结 / 解冻 / 解除锁定 actions in the back office do the same, for the owning agent admin only', async () => {
    const owner = await makeUser({ role: 'agent_admin', password: 'Owner1pass' });
    const stranger = await makeUser({ role: 'agent_admin', password: 'Stranger1pass' });
    const agent = await makeUser({ parentId: owner.id, password: 'Agent1pass' });
    const agentSession = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    const admin = await AdminClient.login(srv.url, owner.username, 'Owner1pass');
    const other = await AdminClient.login(srv.url, stranger.username, 'Stranger1pass');
    const action = (name: string) => `/admin/api/resources/admin_users/records/${agent.id}/${name}`;

    const refused = await other.postJson(action('freeze'), {});
    assert.notEqual(refused.body.notice?.type, 'success');
    const viaGet = await admin.getJson(action('freeze'));
    assert.notEqual(viaGet.body.notice?.type, 'success', 'a GET never changes anything');
    assert.equal((await AdminUser.findByPk(agent.id))!.status, 'active');

    const frozen = await admin.postJson(action('freeze'), {});
    assert.equal(frozen.body.notice?.type, 'success', JSON.stringify(frozen.body));
    assert.equal((await AdminUser.findByPk(agent.id))!.status, 'frozen');
    assert.notEqual((await agentSession.get('/admin/api/dashboard')).status, 200);

    assert.equal((await admin.postJson(action('unfreeze'), {})).body.notice?.type, 'success');
    await AdminUser.update({ failedLoginCount: 5, lockedUntil: new Date(Date.now() + 3600_000) }, { where: { id: agent.id } });
    assert.equal((await admin.postJson(action('unlock'), {})).body.notice?.type, 'success');
    const back = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    assert.equal((await back.getJson('/admin/api/dashboard')).status, 200);
  });

  it('only the super admin or the agent admin owning the agent may freeze', async () => {
    const owner = await makeUser({ role: 'agent_admin' });
    const stranger = await makeUser({ role: 'agent_admin' });
    const superAdmin = await makeUser({ role: 'super_admin' });
    const agent = await makeUser({ parentId: owner.id });
    await assert.rejects(freezeUser({ id: stranger.id, role: 'agent_admin', parentId: null }, agent.id), /无权管理该用户/);
    await assert.rejects(freezeUser({ id: agent.id, role: 'agent', parentId: owner.id }, owner.id), /无权管理该用户/);
    await assert.rejects(freezeUser({ id: owner.id, role: 'agent_admin', parentId: null }, superAdmin.id), /无权管理该用户/);
    await freezeUser({ id: superAdmin.id, role: 'super_admin', parentId: null }, owner.id);
    assert.equal((await AdminUser.findByPk(owner.id))!.status, 'frozen');
    await assert.rejects(freezeUser({ id: superAdmin.id, role: 'super_admin', parentId: null }, owner.id), /已经是冻结状态/);
  });
});
