import assert from 'node:assert/strict';
import { mountAdminWith } from '../../admin/mount.js';
import { db } from '../../server/db/index.js';
import { createProject } from '../../server/services/projects/createProject.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { truncateAll } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient } from './client.js';

/** Card keys run to millions of rows: the admin list must not COUNT them all or sort on unindexed columns. */
describe('admin lists on large tables', function () {
  this.timeout(60_000);
  let server: TestServer;
  let client: AdminClient;

  before(async () => {
    await truncateAll();
    const superadmin = await createAdminUser({ username: 'superadmin', password: 'Seahorse123', role: 'super_admin' });
    const agent = await createAdminUser({ username: 'agentadmin1', password: 'Seahorse123', role: 'agent_admin' });
    const { project } = await createProject({ name: 'big', prices: [{ label: '1d', durationDays: 1, unitPrice: '1' }] }, { id: superadmin.id, role: 'super_admin', parentId: null });
    await db().query(
      `WITH b AS (INSERT INTO card_key_batches (project_id, agent_id, validity_label, duration_days, unit_price, count, total_cost, status)
                  VALUES (:p, :a, '1d', 1, 1, 10050, 10050, 'completed') RETURNING id)
       INSERT INTO card_keys (code, batch_id, project_id, agent_id, device_id)
       SELECT 'K' || lpad(g::text, 18, '0'), b.id, :p, :a, 'dev-' || (10050 - g) FROM b, generate_series(1, 10050) g`,
      { replacements: { p: project.id, a: agent.id } },
    );
    server = await startTestServer({ mountAdmin: (app) => mountAdminWith(app, { assets: 'dev' }).then(() => undefined) });
    client = await AdminClient.login(server.url, 'superadmin', 'Seahorse123');
  });

  after(() => server?.close());

  it('caps the total instead of counting every row', async () => {
    const res = await client.getJson('/admin/api/resources/card_keys/actions/list?perPage=10');
    assert.equal(res.body.meta!.total, 10_000);
    assert.equal(res.body.records!.length, 10);
    const filtered = await client.getJson('/admin/api/resources/card_keys/actions/list?filters.code=K000000000000000042');
    assert.equal(filtered.body.meta!.total, 1, 'code filters are exact matches');
  });

  it('falls back to the primary key when asked to sort on an unindexed column', async () => {
    const res = await client.getJson('/admin/api/resources/card_keys/actions/list?perPage=5&sortBy=deviceId&direction=asc');
    const ids = res.body.records!.map((r) => Number(r.params.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  });
});
