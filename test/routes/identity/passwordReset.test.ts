import assert from 'node:assert/strict';
import { mountAdmin } from '../../../admin/mount.js';
import { AdminUser, EmailMessage, OperationLog } from '../../../server/models/index.js';
import { requestPasswordReset, resetPassword } from '../../../server/services/identity/passwordReset.js';
import { EmailToken } from '../../../server/models/index.js';
import { AdminClient } from '../../admin/client.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { inputValue, linkIn, makeUser, postForm, startMailDelivery, uniqueName, type TestMailbox } from '../../support/identity.js';

describe('identity: password reset by email', () => {
  let srv: TestServer;
  let mail: Awaited<ReturnType<typeof startMailDelivery>>;
  let mailbox: TestMailbox;

  before(async () => {
    mail = await startMailDelivery();
    mailbox = mail.mailbox;
    srv = await startTestServer({ mountAdmin });
  });
  after(async () => {
    await srv.close();
    await mail.stop();
  });

  const forgot = async (email: string) => (await postForm(`${srv.url}/auth/forgot`, { email })).text();

  it('forgot → email → new password → every old session ends → change notice; the link works once', async () => {
    const user = await makeUser({ password: 'OldPassw0rd' });
    const laptop = await AdminClient.login(srv.url, user.username, 'OldPassw0rd');
    const phone = await AdminClient.login(srv.url, user.username, 'OldPassw0rd');
    assert.equal((await laptop.getJson('/admin/api/dashboard')).status, 200);

    const answer = await forgot(user.email!.toUpperCase());
    assert.match(answer, /如果该邮箱已在本系统注册/);
    const resetMail = await mailbox.next(user.email!);
    assert.match(resetMail.subject, /重置密码/);
    const link = linkIn(resetMail, '/auth/reset');
    const form = await fetch(`${srv.url}${link.pathname}${link.search}`);
    assert.equal(form.status, 200);
    assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
    const token = inputValue(await form.text(), 'token');

    const weak = await postForm(`${srv.url}/auth/reset`, { token, password: 'abcdefgh', passwordConfirm: 'abcdefgh' });
    assert.equal(weak.status, 400);
    assert.match(await weak.text(), /密码不符合要求：需包含数字/);
    const mismatch = await postForm(`${srv.url}/auth/reset`, { token, password: 'NewPassw0rd', passwordConfirm: 'NewPassw0rd2' });
    assert.match(await mismatch.text(), /两次输入的密码不一致/);

    const done = await postForm(`${srv.url}/auth/reset`, { token, password: 'NewPassw0rd', passwordConfirm: 'NewPassw0rd' });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /密码已更新/);

    for (const session of [laptop, phone]) {
      const after = await session.get('/admin/api/dashboard');
      assert.notEqual(after.status, 200, 'an old session is dead');
    }
    const notice = await mailbox.next(user.email!, (m) => /密码已修改/.test(m.subject));
    assert.match(notice.text, /其他登录会话均已退出/);

    const again = await postForm(`${srv.url}/auth/reset`, { token, password: 'Another1pass', passwordConfirm: 'Another1pass' });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /链接已使用或已失效/);

    await assert.rejects(AdminClient.login(srv.url, user.username, 'OldPassw0rd'));
    const fresh = await AdminClient.login(srv.url, user.username, 'NewPassw0rd');
    assert.equal((await fresh.getJson('/admin/api/dashboard')).status, 200);
    assert.equal(await OperationLog.count({ where: { action: 'reset_password', recordId: String(user.id) } }), 1);
  });

  it('answers an unknown email exactly like a known one and sends no mail', async () => {
    const known = await makeUser();
    const ghost = uniqueName('nobody').email;
    const before = await EmailMessage.count();
    const a = await forgot(known.email!);
    const b = await forgot(ghost);
    assert.equal(a, b);
    assert.equal(await EmailMessage.count({ where: { toAddress: ghost } }), 0);
    assert.equal(await EmailMessage.count(), before + 1);
    await mailbox.next(known.email!);
  });

  it('a link is dead after 1 h, and a newer link replaces an older one', async () => {
    const user = await makeUser();
    const T0 = new Date();
    await requestPasswordReset({ email: user.email, lang: 'zh-CN', now: T0 });
    const first = linkIn(await mailbox.next(user.email!), '/auth/reset').searchParams.get('token')!;
    const late = await resetPassword({ token: first, password: 'Later1pass', now: new Date(T0.getTime() + 61 * 60_000) }).catch((e) => e);
    assert.equal(late.reason, 'LINK_EXPIRED');

    await requestPasswordReset({ email: user.email, lang: 'zh-CN', now: T0 });
    const second = linkIn(await mailbox.next(user.email!), '/auth/reset').searchParams.get('token')!;
    assert.equal((await resetPassword({ token: first, password: 'Later1pass', now: T0 }).catch((e) => e)).reason, 'LINK_USED');
    const page = await fetch(`${srv.url}/auth/reset?token=${first}`);
    assert.equal(page.status, 400);
    await resetPassword({ token: second, password: 'Later1pass', now: new Date(T0.getTime() + 59 * 60_000) });
    assert.equal(await EmailToken.count({ where: { userId: user.id, usedAt: null } }), 0);
    assert.equal((await AdminUser.findByPk(user.id))!.passwordChangedAt!.getTime(), T0.getTime() + 59 * 60_000);
  });
});
