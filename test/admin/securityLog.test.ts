import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { recordSecurityEvent } from '../../server/services/security/securityLog.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { fund, makeUser, snapshot, type TestUser } from '../support/quota.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused } from './client.js';

/** 安全日志 through AdminJS's HTTP API by every role, and a sensitive-operation refusal as a form shows it. */
describe('security log and sensitive-operation limits in the back office', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser;
  let admin1: TestUser;
  let admin2: TestUser;
  let agent1: TestUser;
  let agent2: TestUser;
  const ids: Record<string, number> = {};
  const as: Record<string, AdminClient> = {};

  before(async () => {
    root = await makeUser('sl_root', 'super_admin');
    admin1 = await makeUser('sl_adm1', 'agent_admin');
    admin2 = await makeUser('sl_adm2', 'agent_admin');
    agent1 = await makeUser('sl_ag1', 'agent', admin1.id);
    agent2 = await makeUser('sl_ag2', 'agent', admin2.id);
    for (const u of [agent1, agent2, admin2]) {
      ids[u.username] = (await recordSecurityEvent({ userId: u.id, kind: 'account_locked', ip: '203.0.113.1', details: { failures: 5 } })).id;
    }
    ids.network = (await recordSecurityEvent({ userId: agent1.id, kind: 'new_network', ip: '192.0.2.1', details: { network: '192.0.2.0/24' } })).id;
    srv = await startTestServer({ mountAdmin });
    for (const u of [root, admin1, agent1]) as[u.username] = await AdminClient.login(srv.url, u.username, 'abcd1234');
  });
  after(async () => srv.close());

  const listIds = async (who: TestUser, query: string) => {
    const r = await as[who.username]!.getJson(`/admin/api/resources/security_events/actions/list?perPage=100&${query}`);
    assert.ok(!isRefused(r), JSON.stringify(r.body).slice(0, 300));
    return r.body.records!.map((x) => Number(x.id));
  };

  it('the super admin sees every entry and filters by kind and by user', async () => {
    const locked = await listIds(root, 'filters.kind=account_locked');
    for (const u of [agent1, agent2, admin2]) assert.ok(locked.includes(ids[u.username]!));
    assert.ok(!locked.includes(ids.network!));
    const ofAgent1 = await listIds(root, `filters.userId=${agent1.id}`);
    assert.deepEqual(ofAgent1.sort(), [ids[agent1.username]!, ids.network!].sort());
  });

  it("an agent admin sees their agents' entries only; an agent has no security log", async () => {
    const seen = await listIds(admin1, '');
    assert.ok(seen.includes(ids[agent1.username]!) && seen.includes(ids.network!));
    assert.ok(!seen.includes(ids[agent2.username]!) && !seen.includes(ids[admin2.username]!));
    assert.ok(isRefused(await as[admin1.username]!.getJson(`/admin/api/resources/security_events/records/${ids[agent2.username]}/show`)));
    assert.ok(isRefused(await as[agent1.username]!.getJson('/admin/api/resources/security_events/actions/list')));
    assert.ok(isRefused(await as[agent1.username]!.getJson(`/admin/api/resources/security_events/records/${ids[agent1.username]}/show`)));
  });

  it('over the sensitive-operation rate, the transfer form is refused with a clear message and nothing moves', async () => {
    await fund(root, agent1, '50.00');
    await updateSetting('security.sensitive_ops_max', 2, root);
    try {
      const transfer = () =>
        as[agent1.username]!.postJson('/admin/api/resources/quota_transfers/actions/transfer', { recipientUsername: admin1.username, amount: '1' });
      for (let i = 0; i < 2; i++) assert.equal((await transfer()).body.notice?.type, 'success');
      const before = await snapshot([agent1.id, admin1.id]);
      const refused = await transfer();
      assert.ok(isRefused(refused));
      assert.match(refused.body.notice!.message, /敏感操作过于频繁，已暂时限制，请 30 分钟后再试/);
      assert.deepEqual(await snapshot([agent1.id, admin1.id]), before);
    } finally {
      await updateSetting('security.sensitive_ops_max', 30, root);
    }
  });
});
