import assert from 'node:assert/strict';
import { mountAdmin } from '../../../admin/mount.js';
import { AdminClient } from '../../../test/admin/client.js';
import { makeUser } from '../../../test/support/identity.js';
import { startTestServer, type TestServer } from '../../../test/support/http.js';
import { db } from '../../db/index.js';
import { AdminUser } from '../../models/index.js';

/**
 * The admin user is re-read with the session on every request (one statement): a change made behind
 * the session's back, without ending it, takes effect on the very next request.
 */
describe('admin session: the user is re-checked on every request', () => {
  let srv: TestServer;
  before(async () => {
    db();
    srv = await startTestServer({ mountAdmin });
  });
  after(() => srv.close());

  const sessionRow = async (userId: number) =>
    (await db().query(`SELECT 1 FROM admin_sessions WHERE (sess -> 'adminUser' ->> 'id') = :id`, { replacements: { id: String(userId) }, type: 'SELECT' })).length;

  it('refuses a frozen user at once even though the session row was left alone, and ends that session', async () => {
    const agent = await makeUser({ password: 'Agent1pass' });
    const session = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    assert.equal((await session.getJson('/admin/api/dashboard')).status, 200);
    assert.equal(await sessionRow(agent.id), 1);

    await AdminUser.update({ status: 'frozen' }, { where: { id: agent.id } });
    const next = await session.get('/admin/api/resources/card_keys/actions/list');
    assert.notEqual(next.status, 200, 'refused on the next request');
    assert.equal(await sessionRow(agent.id), 0, 'the session is destroyed');

    await AdminUser.update({ status: 'active' }, { where: { id: agent.id } });
    assert.notEqual((await session.get('/admin/api/dashboard')).status, 200, 'a destroyed session stays dead');
  });

  it('applies a role change and a non-active status on the next request', async () => {
    const admin = await makeUser({ role: 'agent_admin', password: 'Admin1pass' });
    const session = await AdminClient.login(srv.url, admin.username, 'Admin1pass');
    assert.equal((await session.getJson('/admin/api/resources/projects/actions/list')).status, 200);
    const visible = async () => (await session.getJson('/admin/api/resources/admin_users/actions/list')).body.records?.length ?? 0;
    const before = await visible();

    await AdminUser.update({ role: 'super_admin' }, { where: { id: admin.id } });
    assert.ok((await visible()) > before, 'a super admin sees every user at once');

    await db().query('UPDATE admin_users SET status = :s WHERE id = :id', { replacements: { s: 'pending', id: admin.id } });
    assert.notEqual((await session.get('/admin/api/dashboard')).status, 200, 'a non-active user is refused');
  });
});
