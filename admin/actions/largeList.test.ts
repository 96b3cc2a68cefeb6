import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { CardKey } from '../../server/models/index.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { makeWorld, recharge, type World } from '../../test/support/cardKeys.js';
import { AdminClient } from '../../test/admin/client.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { mountAdmin } from '../mount.js';

type ListRecord = {
  id: string;
  params: Record<string, unknown>;
  populated: Record<string, { id: number; title: string; params: object; recordActions: Array<{ name: string }> } | null>;
  recordActions: Array<{ name: string }>;
};

describe('admin list of a large table (card keys)', () => {
  let srv: TestServer;
  let w: World;

  before(async () => {
    db();
    w = await makeWorld('llist');
    for (const agent of [w.agent, w.otherAgent]) {
      await recharge(agent.id, '100.00');
      await generateCardKeys({ actor: agent, agentId: agent.id, projectId: w.project.id, validityLabel: '30天', count: 30, synchronous: true });
    }
    await CardKey.update({ status: 'disabled' }, { where: { agentId: w.agent.id, id: (await CardKey.findAll({ where: { agentId: w.agent.id }, limit: 7 })).map((k) => k.id) } });
    srv = await startTestServer({ mountAdmin });
  });
  after(() => srv.close());

  const login = async (id: number) => AdminClient.login(srv.url, (await db().query<{ username: string }>('SELECT username FROM admin_users WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT }))[0]!.username, 'abcd1234');

  it('answers the scoped, filtered, sorted page with the count, references as title + show link', async () => {
    const agent = await login(w.agent.id);
    const page = await agent.getJson('/admin/api/resources/card_keys/actions/list?filters.status=disabled&sortBy=createdAt&direction=desc&perPage=5&page=1');
    const records = page.body.records as unknown as ListRecord[];
    assert.equal(page.body.meta?.total, 7);
    assert.equal(records.length, 5);
    for (const r of records) {
      assert.equal(r.params.agentId, w.agent.id);
      assert.equal(r.params.status, 'disabled');
      assert.ok(r.recordActions.some((a) => a.name === 'show'));
      assert.equal(r.populated.projectId!.title, w.project.name);
      assert.deepEqual(r.populated.projectId!.params, {});
      assert.ok(r.populated.agentId!.recordActions.every((a) => a.name === 'show'));
      assert.equal(r.populated.batchId, undefined, 'only listed references are populated');
    }
    const ids = records.map((r) => Number(r.id));
    const expected = (await CardKey.findAll({ where: { agentId: w.agent.id, status: 'disabled' }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit: 5 })).map((k) => k.id);
    assert.deepEqual(ids, expected);

    const all = await agent.getJson('/admin/api/resources/card_keys/actions/list?perPage=100');
    assert.equal(all.body.meta?.total, 30, 'only the agent’s own keys');

    const admin = await login(w.admin.id);
    const both = await admin.getJson('/admin/api/resources/card_keys/actions/list?perPage=100');
    assert.equal(both.body.meta?.total, 60, 'the agent admin sees both agents’ keys');
    const titles = new Set((both.body.records as unknown as ListRecord[]).map((r) => r.populated.agentId!.title));
    assert.equal(titles.size, 2);
  });
});
