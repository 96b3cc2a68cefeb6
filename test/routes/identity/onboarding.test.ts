import assert from 'node:assert/strict';
import { mountAdmin } from '../../../admin/mount.js';
import { AdminUser, OperationLog } from '../../../server/models/index.js';
import { onboardAgent } from '../../../server/services/identity/onboardAgent.js';
import { AdminClient } from '../../admin/client.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { inputValue, linkIn, makeUser, postForm, startMailDelivery, uniqueName, type TestMailbox } from '../../support/identity.js';

describe('identity: agent onboarding by an agent admin and the forced password change', () => {
  let srv: TestServer;
  let mail: Awaited<ReturnType<typeof startMailDelivery>>;
  let mailbox: TestMailbox;
  let owner: AdminUser;

  before(async () => {
    mail = await startMailDelivery();
    mailbox = mail.mailbox;
    srv = await startTestServer({ mountAdmin });
    owner = await makeUser({ role: 'agent_admin' });
  });
  after(async () => {
    await srv.close();
    await mail.stop();
  });

  const actor = () => ({ id: owner.id, role: 'agent_admin' as const, parentId: null });

  it('sends the account email; the initial password must be changed before anything else works', async () => {
    const { username, email } = uniqueName('onb');
    const agent = await onboardAgent({ actor: actor(), username, email, initialPassword: 'Init1alPass' });
    assert.equal(agent.parentId, owner.id);
    assert.equal(agent.status, 'active');
    assert.equal(agent.mustChangePassword, true);

    const account = await mailbox.next(email);
    assert.match(account.subject, /代理账号已开通/);
    assert.ok(account.text.includes(`用户名：${username}`));
    assert.ok(account.text.includes(owner.username));
    assert.match(account.text, /\/admin\/login/);
    linkIn(account, '/auth/reset');

    const session = await AdminClient.login(srv.url, username, 'Init1alPass');
    const home = await fetch(`${srv.url}/admin`, { headers: { cookie: (session as unknown as { cookie: string }).cookie, accept: 'text/html' }, redirect: 'manual' });
    assert.equal(home.status, 302);
    assert.equal(home.headers.get('location'), '/admin/change-password');
    const api = await session.get('/admin/api/resources/admin_users/actions/list');
    assert.equal(api.status, 403);
    assert.equal((await api.json()).reason, 'PASSWORD_CHANGE_REQUIRED');

    const page = await session.get('/admin/change-password');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /修改初始密码/);
    const wrong = await session.post('/admin/change-password', { currentPassword: 'nope', password: 'MyOwn1pass', passwordConfirm: 'MyOwn1pass' });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /当前密码不正确/);
    const same = await session.post('/admin/change-password', { currentPassword: 'Init1alPass', password: 'Init1alPass', passwordConfirm: 'Init1alPass' });
    assert.match(await same.text(), /新密码不能与当前密码相同/);
    const changed = await session.post('/admin/change-password', { currentPassword: 'Init1alPass', password: 'MyOwn1pass', passwordConfirm: 'MyOwn1pass' });
    assert.equal(changed.status, 302);
    assert.equal(changed.headers.get('location'), '/admin');

    assert.equal((await session.getJson('/admin/api/dashboard')).status, 200, 'the same session goes on after the change');
    assert.equal((await AdminUser.findByPk(agent.id))!.mustChangePassword, false);
    await mailbox.next(email, (m) => /密码已修改/.test(m.subject));
    assert.equal(await OperationLog.count({ where: { action: 'change_password', recordId: String(agent.id) } }), 1);
  });

  it('without an initial password the emailed link sets it, and no forced change follows', async () => {
    const { username, email } = uniqueName('link');
    const agent = await onboardAgent({ actor: actor(), username, email });
    const link = linkIn(await mailbox.next(email), '/auth/reset');
    const token = inputValue(await (await fetch(`${srv.url}${link.pathname}${link.search}`)).text(), 'token');
    const set = await postForm(`${srv.url}/auth/reset`, { token, password: 'Chosen1pass', passwordConfirm: 'Chosen1pass' });
    assert.equal(set.status, 200);
    const session = await AdminClient.login(srv.url, username, 'Chosen1pass');
    assert.equal((await session.getJson('/admin/api/dashboard')).status, 200);
    assert.equal(await OperationLog.count({ where: { action: 'set_password', recordId: String(agent.id) } }), 1);
  });

  it('creating an agent in the back office sends the account email (agent admin via AdminJS)', async () => {
    const admin = await AdminClient.login(srv.url, owner.username, 'Passw0rd1');
    const { username, email } = uniqueName('adm');
    const created = await admin.postJson('/admin/api/resources/admin_users/actions/new', { username, email, password: 'Temp0rary1' });
    assert.equal(created.body.notice?.type, 'success', JSON.stringify(created.body));
    const agent = (await AdminUser.findOne({ where: { username } }))!;
    assert.equal(agent.parentId, owner.id);
    assert.equal(agent.mustChangePassword, true);
    const account = await mailbox.next(email);
    assert.ok(account.text.includes(username));
    const missingEmail = await admin.postJson('/admin/api/resources/admin_users/actions/new', { username: uniqueName('noemail').username, password: 'Temp0rary1' });
    assert.notEqual(missingEmail.body.notice?.type, 'success');
  });

  it('only admins onboard agents, an agent admin always owns them, and the password policy applies', async () => {
    const agent = await makeUser({ parentId: owner.id });
    await assert.rejects(onboardAgent({ actor: { id: agent.id, role: 'agent', parentId: owner.id }, ...uniqueName('x') }), /只有管理员/);
    await assert.rejects(onboardAgent({ actor: actor(), ...uniqueName('y'), initialPassword: 'short' }), /密码不符合要求/);
    const other = await makeUser({ role: 'agent_admin' });
    const created = await onboardAgent({ actor: actor(), ...uniqueName('z'), parentId: other.id });
    assert.equal(created.parentId, owner.id);
  });
});
