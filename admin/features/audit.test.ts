import assert from 'node:assert/strict';
import { mountAdmin } from '../mount.js';
import { db } from '../../server/db/index.js';
import { OperationLog, ProjectPrice } from '../../server/models/index.js';
import { createProject } from '../../server/services/projects/createProject.js';
import { makeUser } from '../../test/support/identity.js';
import { AdminClient } from '../../test/admin/client.js';
import { startTestServer, type TestServer } from '../../test/support/http.js';

/** Issue 17 item 6: AdminJS's own new / edit / delete write an operation-log row with before and after. */
describe('admin audit feature', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let c: AdminClient;
  let rootId: number;
  let projectId: number;
  before(async () => {
    db(); // models are initialised by the global setup after spec files load
    const root = await makeUser({ role: 'super_admin', password: 'Audit1pass' });
    rootId = root.id;
    srv = await startTestServer({ mountAdmin });
    c = await AdminClient.login(srv.url, root.username, 'Audit1pass');
    projectId = (await createProject({ name: `audit ${Date.now()}`, prices: [{ label: '1天', durationDays: 1, unitPrice: 1 }] }, null)).project.id;
  });
  after(() => srv.close());

  const logsOf = (id: number) => OperationLog.findAll({ where: { resource: 'project_prices', recordId: String(id) }, order: [['id', 'ASC']] });

  it('a project price created, edited and deleted in the admin leaves three rows with what changed', async () => {
    const label = `审计${Date.now() % 100000}`;
    const created = await c.postJson('/admin/api/resources/project_prices/actions/new', { projectId: String(projectId), label, durationDays: '30', unitPrice: '3.00', sort: '1' });
    assert.equal(created.body.notice?.type, 'success', JSON.stringify(created.body).slice(0, 300));
    const price = (await ProjectPrice.findOne({ where: { projectId, label } }))!;

    const edited = await c.postJson(`/admin/api/resources/project_prices/records/${price.id}/edit`, { projectId: String(projectId), label, durationDays: '30', unitPrice: '5.00', sort: '1' });
    assert.equal(edited.body.notice?.type, 'success', JSON.stringify(edited.body).slice(0, 300));
    const deleted = await c.postJson(`/admin/api/resources/project_prices/records/${price.id}/delete`, {});
    assert.equal(deleted.body.notice?.type, 'success', JSON.stringify(deleted.body).slice(0, 300));

    const logs = await logsOf(price.id);
    assert.deepEqual(logs.map((l) => l.action), ['new', 'edit', 'delete']);
    assert.ok(logs.every((l) => l.actorId === rootId));
    assert.equal((logs[0]!.after as Record<string, unknown>).label, label);
    assert.deepEqual([logs[1]!.before, logs[1]!.after].map((x) => Number((x as Record<string, unknown>).unitPrice)), [3, 5]);
    assert.equal(Object.keys(logs[1]!.after as object).includes('label'), false, 'an edit logs only what changed');
    assert.equal((logs[2]!.before as Record<string, unknown>).label, label);
    assert.equal(logs[2]!.after, null);
  });

  it('opening the edit form (GET) writes nothing', async () => {
    const price = await ProjectPrice.create({ projectId, label: `r${Date.now() % 100000}`, durationDays: 1, unitPrice: '1.00', sort: 9 });
    await c.getJson(`/admin/api/resources/project_prices/records/${price.id}/edit`);
    assert.deepEqual((await logsOf(price.id)).map((l) => l.action), []);
  });
});
