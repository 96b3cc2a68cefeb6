import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { AdminUser } from '../../server/models/index.js';
import { ensureDefaultSettings } from '../../server/services/systemConfig/systemConfig.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { fund, makeUser, snapshot, type TestUser } from '../support/quota.js';
import { AdminClient, type ApiBody } from './client.js';

const PASSWORD = 'abcd1234';
const CJK = /[\u3400-\u9fff]/;

/**
 * One language on screen, server side: the admin login page and its refusals, and the quota
 * forms' refusals, come back in the admin's language — English for an admin who reads English
 * (the switcher's cookie, or the saved locale), Simplified Chinese otherwise — never mixed.
 */
describe('the admin answers in the admin\'s language (login refusals, quota form messages)', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser;
  let zhAgent: TestUser;
  let enAgent: TestUser;

  before(async () => {
    root = await makeUser('lang_root', 'super_admin');
    const parent = await makeUser('lang_adm', 'agent_admin');
    zhAgent = await makeUser('lang_zh', 'agent', parent.id);
    enAgent = await makeUser('lang_en', 'agent', parent.id);
    await AdminUser.update({ locale: 'en' }, { where: { id: enAgent.id } });
    await fund(root, zhAgent, '100.00');
    await fund(root, enAgent, '100.00');
    srv = await startTestServer({ mountAdmin });
  });
  after(async () => srv?.close());

  /** A login form post as a browser reading `lang` sends it (the switcher's cookie); the refused page's message and language. */
  async function refusedLogin(lang: 'en' | 'zh-CN', fields: Record<string, string>): Promise<{ message: string; htmlLang: string }> {
    const res = await fetch(`${srv.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `seahorse_lang=${lang}` },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const html = await res.text();
    assert.notEqual(res.status, 302, 'the login was refused');
    const state = /window\.__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(html)?.[1];
    assert.ok(state, html.slice(0, 300));
    return { message: (JSON.parse(state) as { errorMessage?: string }).errorMessage ?? '', htmlLang: /<html lang=([\w-]+)>/.exec(html)?.[1] ?? '' };
  }

  it('login refusals: wrong password, captcha required, locked — English for an English reader, Chinese otherwise', async () => {
    const wrongEn = await refusedLogin('en', { email: zhAgent.username, password: 'wrong-password-1' });
    assert.equal(wrongEn.message, 'Wrong username or password');
    assert.equal(wrongEn.htmlLang, 'en', 'the login page itself is English');
    const wrongZh = await refusedLogin('zh-CN', { email: zhAgent.username, password: 'wrong-password-1' });
    assert.equal(wrongZh.message, '用户名或密码错误');
    assert.equal(wrongZh.htmlLang, 'zh-CN');

    // Enough failures that the next attempt needs the captcha (security.login_captcha_after = 3).
    await AdminUser.update({ failedLoginCount: 3 }, { where: { id: zhAgent.id } });
    assert.equal((await refusedLogin('en', { email: zhAgent.username, password: PASSWORD })).message, 'Please enter the captcha');
    assert.equal((await refusedLogin('zh-CN', { email: zhAgent.username, password: PASSWORD })).message, '请输入验证码');
    assert.equal((await refusedLogin('en', { email: zhAgent.username, password: PASSWORD, captchaId: 'nope', captchaAnswer: 'abcd' })).message, 'The captcha was wrong, please try again');

    await AdminUser.update({ failedLoginCount: 5, lockedUntil: new Date(Date.now() + 15 * 60_000) }, { where: { id: zhAgent.id } });
    const lockedEn = await refusedLogin('en', { email: zhAgent.username, password: PASSWORD });
    assert.match(lockedEn.message, /^The account is locked; try again after \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\+8\)$/);
    assert.match((await refusedLogin('zh-CN', { email: zhAgent.username, password: PASSWORD })).message, /^账号已被锁定，请于 .* 之后再试$/);
    await AdminUser.update({ failedLoginCount: 0, lockedUntil: null }, { where: { id: zhAgent.id } });

    assert.equal((await refusedLogin('en', { email: '', password: '' })).message, 'Please enter your username and password');

    // The browser's Accept-Language alone does not switch the admin: zh-CN unless English is chosen.
    const res = await fetch(`${srv.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en-US,en;q=0.9' },
      body: new URLSearchParams({ email: zhAgent.username, password: 'wrong-password-1' }).toString(),
      redirect: 'manual',
    });
    const html = await res.text();
    assert.match(html, /<html lang=zh-CN>/);
    assert.match(html, /用户名或密码错误/);
  });

  const transfer = async (client: AdminClient, fields: Record<string, string>, cookie = client.cookieHeader()): Promise<ApiBody> => {
    const res = await fetch(`${srv.url}/admin/api/resources/quota_transfers/actions/transfer`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    return { status: res.status, body: await res.json() };
  };
  const refusal = (r: ApiBody) => {
    assert.equal(r.body.notice?.type, 'error', JSON.stringify(r.body));
    return r.body.notice!.message;
  };

  it('quota form refusals: the saved English locale answers in English, the Chinese admin in Chinese, the switcher\'s cookie wins', async () => {
    const en = await AdminClient.login(srv.url, enAgent.username, PASSWORD);
    const zh = await AdminClient.login(srv.url, zhAgent.username, PASSWORD);
    const before = await snapshot([enAgent.id, zhAgent.id]);

    const tooMuchEn = refusal(await transfer(en, { recipientUsername: zhAgent.username, amount: '99999' }));
    assert.ok(!CJK.test(tooMuchEn), `English admin got: ${tooMuchEn}`);
    assert.match(tooMuchEn, /quota/i);
    assert.equal(refusal(await transfer(en, { recipientUsername: enAgent.username, amount: '5' })), 'You cannot transfer to yourself');
    const belowEn = refusal(await transfer(en, { recipientUsername: zhAgent.username, amount: '0.5' }));
    assert.ok(!CJK.test(belowEn) && /below/.test(belowEn), belowEn);

    assert.match(refusal(await transfer(zh, { recipientUsername: enAgent.username, amount: '99999' })), /额度不足/);
    assert.equal(refusal(await transfer(zh, { recipientUsername: zhAgent.username, amount: '5' })), '不能给自己转账');

    // The language switched on screen (the cookie) wins over the saved locale, both ways.
    assert.equal(refusal(await transfer(zh, { recipientUsername: zhAgent.username, amount: '5' }, `${zh.cookieHeader()}; seahorse_lang=en`)), 'You cannot transfer to yourself');
    assert.equal(refusal(await transfer(en, { recipientUsername: enAgent.username, amount: '5' }, `${en.cookieHeader()}; seahorse_lang=zh-CN`)), '不能给自己转账');

    // A page opens in the admin's language too (the switcher starts there).
    const page = await (await fetch(`${srv.url}/admin`, { headers: { cookie: en.cookieHeader() } })).text();
    assert.match(page, /<html lang=en>/);
    assert.deepEqual(await snapshot([enAgent.id, zhAgent.id]), before, 'the refusals changed nothing');
  });

  it('the settings form\'s refusal and notice are in the reader\'s language', async () => {
    await ensureDefaultSettings();
    const client = await AdminClient.login(srv.url, root.username, PASSWORD);
    const post = async (lang: string, value: string) => {
      const res = await fetch(`${srv.url}/admin/api/resources/system_configs/records/points.redeem_attempts_per_hour/updateSetting`, {
        method: 'POST',
        headers: { cookie: `${client.cookieHeader()}; seahorse_lang=${lang}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ value }).toString(),
      });
      return (await res.json()) as ApiBody['body'];
    };
    const refusedEn = (await post('en', '0')).record?.baseError?.message ?? '';
    assert.match(refusedEn, /^The value of points\.redeem_attempts_per_hour is not valid: /);
    assert.ok(!CJK.test(refusedEn), refusedEn);
    assert.match((await post('zh-CN', '0')).record?.baseError?.message ?? '', /^配置项 points\.redeem_attempts_per_hour 的值无效：.*数值过小/);
    assert.equal((await post('en', '20')).notice?.message, 'Changed points.redeem_attempts_per_hour: 10 → 20');
    assert.equal((await post('zh-CN', '10')).notice?.message, '已修改 points.redeem_attempts_per_hour：20 → 10');
  });

  it('the admin\'s error notices (an unknown action) are in the reader\'s language', async () => {
    const en = await AdminClient.login(srv.url, enAgent.username, PASSWORD);
    const res = await fetch(`${srv.url}/admin/api/resources/quota_transfers/actions/noSuchAction`, { headers: { cookie: en.cookieHeader() } });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { notice: { message: string } }).notice.message, 'There is no such action');
    const zh = await fetch(`${srv.url}/admin/api/resources/quota_transfers/actions/noSuchAction`, { headers: { cookie: `${en.cookieHeader()}; seahorse_lang=zh-CN` } });
    assert.equal(((await zh.json()) as { notice: { message: string } }).notice.message, '没有这个操作');
  });
});
