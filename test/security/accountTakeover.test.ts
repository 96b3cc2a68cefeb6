import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { AdminUser, OperationLog } from '../../server/models/index.js';
import { verifyPassword } from '../../server/services/identity/password.js';
import { AdminClient, isRefused } from '../admin/client.js';
import { linkIn, makeUser, startMailDelivery } from '../support/identity.js';
import { startTestServer, type TestServer } from '../support/http.js';

/**
 * Issue 11 item 7: the admin edit form was an account-takeover path. Changing one's own email or
 * password needs the current password; a new email takes effect only once confirmed from it, and the
 * old address is told; editing your own password keeps your session; an administrator's password
 * for someone else goes through the one password replacement (lock lifted, notice mail, forced change).
 */
describe('security: account takeover through the admin edit form', function () {
  this.timeout(90_000);
  let srv: TestServer;
  let mail: Awaited<ReturnType<typeof startMailDelivery>>;
  before(async () => {
    mail = await startMailDelivery();
    srv = await startTestServer({ mountAdmin });
  });
  after(async () => {
    await srv.close();
    await mail.stop();
  });

  const edit = (c: AdminClient, id: number, fields: Record<string, string>) => c.postJson(`/admin/api/resources/admin_users/records/${id}/edit`, fields);

  it('an agent cannot change their own email without the current password; with it, the new address must confirm and the old one is told', async () => {
    const owner = await makeUser({ role: 'agent_admin' });
    const agent = await makeUser({ parentId: owner.id, password: 'Agent1pass' });
    const oldEmail = agent.email!;
    const c = await AdminClient.login(srv.url, agent.username, 'Agent1pass');
    const attacker = `evil_${agent.id}@example.test`;

    for (const fields of [{ email: attacker }, { email: attacker, currentPassword: 'wrong-pass1' }] as Record<string, string>[]) {
      const r = await edit(c, agent.id, fields);
      assert.ok(isRefused(r), `must be refused: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.match(r.body.notice?.message ?? '', /当前密码/);
      const now = (await AdminUser.findByPk(agent.id))!;
      assert.deepEqual([now.email, now.pendingEmail], [oldEmail, null]);
    }

    const ok = await edit(c, agent.id, { email: attacker, currentPassword: 'Agent1pass' });
    assert.equal(ok.body.notice?.type, 'success', JSON.stringify(ok.body).slice(0, 300));
    const waiting = (await AdminUser.findByPk(agent.id))!;
    assert.deepEqual([waiting.email, waiting.pendingEmail], [oldEmail, attacker], 'the email is unchanged until confirmed');

    const notice = await mail.mailbox.next(oldEmail, (m) => /新邮箱/.test(m.subject));
    assert.doesNotMatch(notice.text, /token=/, 'the old address is told, without the link');
    const confirm = linkIn(await mail.mailbox.next(attacker), '/auth/verify');
    const page = await fetch(`${srv.url}${confirm.pathname}${confirm.search}`);
    assert.equal(page.status, 200);
    assert.equal((await AdminUser.findByPk(agent.id))!.email, oldEmail, 'opening the link changes nothing');
    const post = await fetch(`${srv.url}/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url },
      body: new URLSearchParams({ token: confirm.searchParams.get('token')! }).toString(),
      redirect: 'manual',
    });
    assert.ok(post.status < 400, `confirm: HTTP ${post.status}`);
    const confirmed = (await AdminUser.findByPk(agent.id))!;
    assert.deepEqual([confirmed.email, confirmed.pendingEmail], [attacker, null]);
  });

  it('an admin cannot set their own password without the current one; with it, the password changes and their session stays', async () => {
    const admin = await makeUser({ role: 'agent_admin', password: 'Admin1pass' });
    const c = await AdminClient.login(srv.url, admin.username, 'Admin1pass');
    const refused = await edit(c, admin.id, { password: 'Taken0ver!' });
    assert.ok(isRefused(refused));
    assert.ok(await verifyPassword('Admin1pass', (await AdminUser.findByPk(admin.id))!.passwordHash), 'the password is unchanged');

    const other = await AdminClient.login(srv.url, admin.username, 'Admin1pass');
    const ok = await edit(c, admin.id, { password: 'Changed1pass', currentPassword: 'Admin1pass' });
    assert.equal(ok.body.notice?.type, 'success', JSON.stringify(ok.body).slice(0, 300));
    assert.ok(await verifyPassword('Changed1pass', (await AdminUser.findByPk(admin.id))!.passwordHash));
    assert.equal((await c.getJson('/admin/api/dashboard')).status, 200, 'the session that changed it stays logged in');
    assert.notEqual((await other.get('/admin/api/dashboard')).status, 200, 'other sessions end');
    await mail.mailbox.next(admin.email!, (m) => /密码已修改/.test(m.subject));
  });

  it("an admin setting another user's password goes through the one replacement: lock lifted, notice mail, must change", async () => {
    const owner = await makeUser({ role: 'agent_admin', password: 'Owner1pass' });
    const agent = await makeUser({ parentId: owner.id });
    await AdminUser.update({ failedLoginCount: 7, lockedUntil: new Date(Date.now() + 3600_000) }, { where: { id: agent.id } });
    const c = await AdminClient.login(srv.url, owner.username, 'Owner1pass');
    const ok = await edit(c, agent.id, { password: 'Fresh1pass' });
    assert.equal(ok.body.notice?.type, 'success', JSON.stringify(ok.body).slice(0, 300));
    const after = (await AdminUser.findByPk(agent.id))!;
    assert.deepEqual([after.failedLoginCount, after.lockedUntil, after.mustChangePassword], [0, null, true]);
    await mail.mailbox.next(agent.email!, (m) => /密码已修改/.test(m.subject));
    assert.equal(await OperationLog.count({ where: { recordId: String(agent.id), action: 'admin_set_password', actorId: owner.id } }), 1);
  });
});
