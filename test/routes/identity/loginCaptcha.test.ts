import assert from 'node:assert/strict';
import http from 'node:http';
import { mountAdmin } from '../../../admin/mount.js';
import { AdminUser } from '../../../server/models/index.js';
import { updateSetting } from '../../../server/services/systemConfig/systemConfig.js';
import { systemConfigDefinitions } from '../../../server/services/systemConfig/definitions.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { makeUser, solveCaptcha, uniqueName } from '../../support/identity.js';

interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * One request from its own loopback address, so this file's attempts and /auth requests have their
 * own per-IP buckets and cannot be cut off by (or cut off) other suites in the same minute.
 */
function send(localAddress: string, url: string, form?: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = http.request(
      url,
      {
        method: form ? 'POST' : 'GET',
        localAddress,
        headers: form ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The __APP_STATE__ error message AdminJS renders on a refused login page. */
function loginMessage(answer: Answer): string {
  const state = /__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(answer.body)?.[1];
  assert.ok(state, `no login state in: ${answer.body.slice(0, 200)}`);
  return (JSON.parse(state) as { errorMessage?: string }).errorMessage ?? '';
}

describe('identity: the login page is told exactly when the captcha is due (/auth/login-captcha)', function () {
  this.timeout(60_000);
  const from = '127.0.0.41';
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ mountAdmin });
  });
  after(() => srv.close());

  const attempt = (fields: Record<string, string>) => send(from, `${srv.url}/admin/login`, fields);
  async function captchaDue(username: string): Promise<boolean> {
    const res = await send(from, `${srv.url}/auth/login-captcha`, { username });
    assert.equal(res.status, 200, res.body);
    return (JSON.parse(res.body) as { captchaRequired: boolean }).captchaRequired;
  }
  async function captcha(answer?: string): Promise<{ captchaId: string; captchaAnswer: string }> {
    const { id } = JSON.parse((await send(from, `${srv.url}/auth/captcha`)).body) as { id: string };
    return { captchaId: id, captchaAnswer: answer ?? (await solveCaptcha(id)) };
  }

  /** Three wrong passwords, a submit without captcha, one with a wrong captcha: what the page gets at each step. */
  async function failingSteps(username: string): Promise<Array<[string, number, string, boolean]>> {
    const steps: Array<[string, number, string, boolean]> = [['before', 0, '', await captchaDue(username)]];
    for (const n of [1, 2, 3]) {
      const res = await attempt({ email: username, password: 'Wrong1pass' });
      steps.push([`wrong password #${n}`, res.status, loginMessage(res), await captchaDue(username)]);
    }
    const without = await attempt({ email: username, password: 'Wrong1pass' });
    steps.push(['no captcha', without.status, loginMessage(without), await captchaDue(username)]);
    const wrongCaptcha = await attempt({ email: username, password: 'Wrong1pass', ...(await captcha('zzzz')) });
    steps.push(['wrong captcha', wrongCaptcha.status, loginMessage(wrongCaptcha), await captchaDue(username)]);
    return steps;
  }

  const expectedSteps: Array<[string, number, string, boolean]> = [
    ['before', 0, '', false],
    ['wrong password #1', 400, '用户名或密码错误', false],
    ['wrong password #2', 400, '用户名或密码错误', false],
    ['wrong password #3', 400, '用户名或密码错误', true],
    ['no captcha', 400, '请输入验证码', true],
    ['wrong captcha', 400, '验证码错误，请重新输入', true],
  ];

  it('not after the 1st or 2nd wrong password; from the 3rd on, and after a missing or wrong captcha; a solved one logs in', async () => {
    const user = await makeUser({ password: 'Right1pass' });
    assert.deepEqual(await failingSteps(user.username), expectedSteps);
    assert.equal(await captchaDue(`  ${user.username.toUpperCase()} `), true, 'the name is read as the login check reads it');

    const ok = await attempt({ email: user.username, password: 'Right1pass', ...(await captcha()) });
    assert.equal(ok.status, 302, ok.body.slice(0, 300));
    assert.equal(ok.location, '/admin');
    assert.equal(await captchaDue(user.username), false, 'a successful login clears the counter');
    assert.equal((await AdminUser.findByPk(user.id))!.failedLoginCount, 0);
  });

  it('answers the same for a username that does not exist', async () => {
    assert.deepEqual(await failingSteps(uniqueName('ghost').username), expectedSteps);
  });

  it('still says so while the account is locked', async () => {
    const user = await makeUser();
    await AdminUser.update({ failedLoginCount: 5, lockedUntil: new Date(Date.now() + 60_000) }, { where: { id: user.id } });
    assert.equal(await captchaDue(user.username), true);
  });

  it('an empty, missing or odd username is a plain "no", never an error', async () => {
    assert.equal(await captchaDue(''), false);
    assert.equal(await captchaDue('   '), false);
    assert.equal(await captchaDue('x'.repeat(5000)), false);
    const missing = await send(from, `${srv.url}/auth/login-captcha`, { other: 'field' });
    assert.deepEqual([missing.status, JSON.parse(missing.body)], [200, { captchaRequired: false }]);
  });
});

describe('identity: the /auth per-IP limit is the setting security.auth_rate_limit_per_minute', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: { id: number; role: string };
  before(async () => {
    srv = await startTestServer();
    root = { id: (await makeUser({ role: 'super_admin' })).id, role: 'super_admin' };
  });
  after(async () => {
    await updateSetting('security.auth_rate_limit_per_minute', systemConfigDefinitions['security.auth_rate_limit_per_minute'].default, root);
    await srv.close();
  });

  it('lets 120 requests a minute through by default, refuses the 121st, and only accepts 10 to 10000', async () => {
    const from = '127.0.0.44';
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++) statuses.push((await send(from, `${srv.url}/auth/forgot`)).status);
    assert.deepEqual(statuses, [...Array(120).fill(200), 429]);
    for (const bad of [9, 10_001, 12.5, 'many']) {
      await assert.rejects(updateSetting('security.auth_rate_limit_per_minute', bad, root), (err: { status?: number }) => err.status === 400, String(bad));
    }
  });

  it('set to 10: the 11th request of the minute is refused; raised again, the same address gets through at once', async () => {
    const from = '127.0.0.42';
    await updateSetting('security.auth_rate_limit_per_minute', 10, root);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await send(from, `${srv.url}/auth/captcha`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    assert.equal((await send('127.0.0.43', `${srv.url}/auth/forgot`)).status, 200, 'other addresses are not affected');

    await updateSetting('security.auth_rate_limit_per_minute', 20, root);
    assert.equal((await send(from, `${srv.url}/auth/captcha`)).status, 200, 'the higher limit applies to the requests already counted');
  });
});
