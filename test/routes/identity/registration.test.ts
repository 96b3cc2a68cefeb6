import assert from 'node:assert/strict';
import http from 'node:http';
import { AdminUser, EmailMessage, EmailToken, OperationLog } from '../../../server/models/index.js';
import { authenticate } from '../../../server/services/identity/authenticate.js';
import { resendVerification } from '../../../server/services/identity/registerAgent.js';
import { hashToken } from '../../../server/services/identity/tokens.js';
import { inspectVerificationLink, verifyEmail } from '../../../server/services/identity/verifyEmail.js';
import { updateSetting } from '../../../server/services/systemConfig/systemConfig.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { captchaFrom, inputValue, linkIn, makeUser, postForm, startMailDelivery, uniqueName, type TestMailbox } from '../../support/identity.js';

describe('identity: agent self-registration with email verification', () => {
  let srv: TestServer;
  let mail: Awaited<ReturnType<typeof startMailDelivery>>;
  let mailbox: TestMailbox;

  before(async () => {
    mail = await startMailDelivery();
    mailbox = mail.mailbox;
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
    await mail.stop();
  });

  async function register(fields: { username: string; email: string; password?: string; passwordConfirm?: string }, query = '') {
    const captcha = await captchaFrom(`${srv.url}/auth/register${query}`);
    const password = fields.password ?? 'Regist3rMe';
    return postForm(`${srv.url}/auth/register${query}`, { ...fields, password, passwordConfirm: fields.passwordConfirm ?? password, ...captcha });
  }

  it('register → verification email over SMTP → link → active agent → login; used, tampered and replaced links are refused', async () => {
    const { username, email } = uniqueName('reg');
    const res = await register({ username, email });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /请查收验证邮件/);

    const user = (await AdminUser.findOne({ where: { username } }))!;
    assert.equal(user.status, 'pending');
    assert.equal(user.role, 'agent');
    assert.equal(user.parentId, null);
    assert.equal((await authenticate({ username, password: 'Regist3rMe', ip: '10.88.0.1' }).catch((e) => e)).reason, 'ACCOUNT_PENDING');

    const first = await mailbox.next(email);
    assert.match(first.subject, /验证/);
    const firstLink = linkIn(first, '/auth/verify');
    const firstToken = firstLink.searchParams.get('token')!;
    const stored = await EmailToken.findOne({ where: { userId: user.id, purpose: 'verify_email' } });
    assert.equal(stored!.tokenHash, hashToken(firstToken), 'only the SHA-256 of the token is stored');
    assert.notEqual(stored!.tokenHash, firstToken);

    // Tampered: one character changed.
    const tampered = firstToken.slice(0, -1) + (firstToken.endsWith('A') ? 'B' : 'A');
    const bad = await fetch(`${srv.url}/auth/verify?token=${tampered}`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /链接无效/);

    // Resend: a new email, and the first link dies.
    const resent = await postForm(`${srv.url}/auth/verify/resend`, { email: email.toUpperCase() });
    assert.equal(resent.status, 200);
    const second = await mailbox.next(email);
    const secondLink = linkIn(second, '/auth/verify');
    assert.notEqual(secondLink.searchParams.get('token'), firstToken);
    const old = await fetch(`${srv.url}/auth/verify?token=${firstToken}`);
    assert.equal(old.status, 400);
    assert.match(await old.text(), /已使用或已失效/);

    const confirm = await fetch(`${srv.url}${secondLink.pathname}${secondLink.search}`);
    assert.equal(confirm.status, 200);
    const confirmHtml = await confirm.text();
    assert.match(confirmHtml, /确认邮箱并激活账号/);
    assert.equal(inputValue(confirmHtml, 'token'), secondLink.searchParams.get('token'));
    assert.equal((await AdminUser.findByPk(user.id))!.status, 'pending', 'opening the link changes nothing');

    const ok = await postForm(`${srv.url}/auth/verify`, { token: inputValue(confirmHtml, 'token') });
    assert.equal(ok.status, 200);
    const okHtml = await ok.text();
    assert.match(okHtml, /邮箱验证成功/);
    assert.match(okHtml, /href="\/admin\/login"/, 'the result page leads to the login page');
    assert.equal((await AdminUser.findByPk(user.id))!.status, 'active');
    assert.ok((await AdminUser.findByPk(user.id))!.emailVerifiedAt);

    const reused = await fetch(`${srv.url}${secondLink.pathname}${secondLink.search}`);
    assert.equal(reused.status, 400);
    assert.doesNotMatch(await reused.text(), /确认邮箱并激活账号/, 'a used link offers no button');

    const loggedIn = await authenticate({ username: username.toUpperCase(), password: 'Regist3rMe', ip: '10.88.0.1' });
    assert.equal(loggedIn.id, user.id);
    assert.equal(await OperationLog.count({ where: { action: 'verify_email', recordId: String(user.id) } }), 1);
  });

  it('a link older than 24 h is refused; within 24 h it works', async () => {
    const { username, email } = uniqueName('exp');
    const T0 = new Date();
    assert.equal((await register({ username, email })).status, 200);
    const token = linkIn(await mailbox.next(email), '/auth/verify').searchParams.get('token')!;
    const lateAt = new Date(T0.getTime() + 24 * 3600_000 + 60_000);
    assert.equal((await inspectVerificationLink({ token, now: lateAt }).catch((e) => e)).reason, 'LINK_EXPIRED', 'the confirmation page refuses it too');
    const late = await verifyEmail({ token, now: lateAt }).catch((e) => e);
    assert.equal(late.reason, 'LINK_EXPIRED');
    assert.equal((await AdminUser.findOne({ where: { username } }))!.status, 'pending');
    const inTime = await verifyEmail({ token, now: new Date(T0.getTime() + 23 * 3600_000) });
    assert.equal(inTime.status, 'active');
  });

  it('a scanner opening the link (GET, HEAD) changes nothing; only the confirming POST verifies, exactly once', async () => {
    const { username, email } = uniqueName('scan');
    assert.equal((await register({ username, email })).status, 200);
    const link = linkIn(await mailbox.next(email), '/auth/verify');
    const token = link.searchParams.get('token')!;
    const url = `${srv.url}${link.pathname}${link.search}`;
    const user = (await AdminUser.findOne({ where: { username } }))!;

    // What a mail scanner or link preview does: fetch the link, maybe twice, maybe HEAD first.
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 200);
    for (let i = 0; i < 2; i++) {
      const scanned = await fetch(url);
      assert.equal(scanned.status, 200);
      const page = await scanned.text();
      assert.match(page, new RegExp(`激活代理账号 ${username}`));
      assert.match(page, /<form method="post" action="\/auth\/verify">/);
    }
    const after = (await AdminUser.findByPk(user.id))!;
    assert.equal(after.status, 'pending');
    assert.equal(after.emailVerifiedAt, null);
    assert.equal((await EmailToken.findOne({ where: { tokenHash: hashToken(token) } }))!.usedAt, null, 'the token is still usable');
    assert.equal(await OperationLog.count({ where: { action: 'verify_email', recordId: String(user.id) } }), 0);

    const confirmed = await postForm(`${srv.url}/auth/verify`, { token });
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /邮箱验证成功/);
    assert.equal((await AdminUser.findByPk(user.id))!.status, 'active');

    const again = await postForm(`${srv.url}/auth/verify`, { token });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /链接已使用或已失效/);
    assert.equal(await OperationLog.count({ where: { action: 'verify_email', recordId: String(user.id) } }), 1);
  });

  it('the confirming POST refuses missing and tampered tokens, and an expired link offers no button', async () => {
    const missing = await postForm(`${srv.url}/auth/verify`, {});
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /链接无效/);
    const junk = await postForm(`${srv.url}/auth/verify`, { token: 'x'.repeat(43) });
    assert.equal(junk.status, 400);
    assert.match(await junk.text(), /链接无效/);

    const { username, email } = uniqueName('late');
    assert.equal((await register({ username, email })).status, 200);
    const link = linkIn(await mailbox.next(email), '/auth/verify');
    const token = link.searchParams.get('token')!;
    await EmailToken.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { tokenHash: hashToken(token) } });
    const page = await fetch(`${srv.url}${link.pathname}${link.search}`);
    assert.equal(page.status, 400);
    const pageHtml = await page.text();
    assert.match(pageHtml, /链接已过期/);
    assert.doesNotMatch(pageHtml, /name="token"/);
    const late = await postForm(`${srv.url}/auth/verify`, { token });
    assert.equal(late.status, 400);
    assert.match(await late.text(), /链接已过期/);
    assert.equal((await AdminUser.findOne({ where: { username } }))!.status, 'pending');
  });

  it('refuses taken usernames and emails case-insensitively, weak passwords, mismatches and wrong captchas', async () => {
    const existing = await makeUser();
    const taken = await register({ username: existing.username.toUpperCase(), email: uniqueName('x').email });
    assert.equal(taken.status, 400);
    assert.match(await taken.text(), /用户名已被使用/);
    const takenEmail = await register({ username: uniqueName('y').username, email: existing.email!.toUpperCase() });
    assert.match(await takenEmail.text(), /邮箱已被使用/);
    const weak = await register({ ...uniqueName('w'), password: 'short' });
    assert.match(await weak.text(), /密码不符合要求/);
    const mismatch = await register({ ...uniqueName('m'), password: 'Abcdefg12', passwordConfirm: 'Abcdefg13' });
    assert.match(await mismatch.text(), /两次输入的密码不一致/);
    const names = uniqueName('c');
    const { captchaId } = await captchaFrom(`${srv.url}/auth/register`);
    const wrongCaptcha = await postForm(`${srv.url}/auth/register`, { ...names, password: 'Abcdefg12', passwordConfirm: 'Abcdefg12', captchaId, captchaAnswer: 'nope' });
    assert.equal(wrongCaptcha.status, 400);
    assert.match(await wrongCaptcha.text(), /验证码错误/);
    assert.equal(await AdminUser.count({ where: { username: names.username } }), 0);
  });

  it('the pages speak English with ?lang=en and remember it', async () => {
    const first = await fetch(`${srv.url}/auth/register?lang=en`);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(await first.text(), /Register an agent account/);
    const again = await fetch(`${srv.url}/auth/forgot`, { headers: { cookie } });
    assert.match(await again.text(), /<html lang="en">[\s\S]*Forgot password/);
    const { username, email } = uniqueName('en');
    const captcha = await captchaFrom(`${srv.url}/auth/register`, { cookie });
    const res = await postForm(`${srv.url}/auth/register`, { username, email, password: 'Engl1shPass', passwordConfirm: 'Engl1shPass', ...captcha }, { cookie });
    assert.match(await res.text(), /Check your mailbox/);
    const mailed = await mailbox.next(email);
    assert.match(mailed.subject, /confirm your email/);
    const link = linkIn(mailed, '/auth/verify');
    assert.equal(link.searchParams.get('lang'), 'en');
    const confirm = await fetch(`${srv.url}${link.pathname}${link.search}`);
    const confirmCookie = confirm.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(await confirm.text(), /<html lang="en">[\s\S]*Confirm and activate my account/);
    const verified = await postForm(`${srv.url}/auth/verify`, { token: link.searchParams.get('token')! }, { cookie: confirmCookie });
    assert.match(await verified.text(), /<html lang="en">[\s\S]*Email verified/);
  });

  it('resend answers the same for unknown and active addresses and mails nobody', async () => {
    const active = await makeUser();
    const ghost = uniqueName('ghost').email;
    const a = await (await postForm(`${srv.url}/auth/verify/resend`, { email: active.email! })).text();
    const b = await (await postForm(`${srv.url}/auth/verify/resend`, { email: ghost })).text();
    assert.equal(a, b);
    await resendVerification({ email: 'not-an-email', lang: 'zh-CN' });
    assert.equal(await EmailMessage.count({ where: { toAddress: [active.email!, ghost] } }), 0);
  });

  it('can be switched off in system config', async () => {
    const admin = await makeUser({ role: 'super_admin' });
    await updateSetting('basic.registration_enabled', false, { id: admin.id, role: 'super_admin' });
    try {
      const page = await fetch(`${srv.url}/auth/register`);
      assert.equal(page.status, 403);
      assert.match(await page.text(), /暂未开放注册/);
      const names = uniqueName('off');
      const res = await postForm(`${srv.url}/auth/register`, { ...names, password: 'Abcdefg12', passwordConfirm: 'Abcdefg12', captchaId: '', captchaAnswer: '' });
      assert.equal(res.status, 403);
      assert.equal(await AdminUser.count({ where: { username: names.username } }), 0);
    } finally {
      await updateSetting('basic.registration_enabled', true, { id: admin.id, role: 'super_admin' });
    }
  });
});

/** A GET sent from another loopback address (its own per-IP bucket): status, headers and body. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
      })
      .on('error', reject);
  });
}

describe('identity: per-IP limit on the public identity pages', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  it('refuses a script hammering the captcha and forms, and only that address', async () => {
    const statuses = [];
    for (let i = 0; i < 120; i++) statuses.push((await getFrom('127.0.0.2', `${srv.url}/auth/captcha`)).status);
    assert.deepEqual(statuses, Array(120).fill(200));
    const limited = await getFrom('127.0.0.2', `${srv.url}/auth/forgot`);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.retryAfter) > 0);
    assert.match(limited.body, /操作过于频繁/);
    assert.equal((await getFrom('127.0.0.3', `${srv.url}/auth/forgot`)).status, 200, 'other addresses are not affected');
  });
});
