import assert from 'node:assert/strict';
import { mountAdmin } from '../../../admin/mount.js';
import { db } from '../../../server/db/index.js';
import { AdminUser, LoginLog } from '../../../server/models/index.js';
import type { ChildProcess } from 'node:child_process';
import { startTestServer, type TestServer } from '../../support/http.js';
import { collect, startEntry, until } from '../../ops/child.js';
import { makeUser, postForm, solveCaptcha } from '../../support/identity.js';

/** The __APP_STATE__ error message AdminJS renders on a refused login page. */
async function loginMessage(res: Response): Promise<string> {
  const html = await res.text();
  const state = /__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(html)?.[1];
  assert.ok(state, `no login state in: ${html.slice(0, 200)}`);
  return (JSON.parse(state) as { errorMessage?: string }).errorMessage ?? '';
}

interface Instance {
  url: string;
}

describe('identity: login lockout across two web processes', function () {
  this.timeout(120_000);
  let a: TestServer;
  let b: Instance;
  let child: ChildProcess;
  before(async () => {
    db();
    a = await startTestServer({ mountAdmin });
    // The second instance is a separate OS process (the real `npm run web` entry) on the same
    // database and Redis prefix: nothing it knows can come from this process's memory.
    child = startEntry('server/bin/web.ts', [], {
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_PREFIX: process.env.REDIS_PREFIX,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    });
    const io = collect(child);
    const url = await until(async () => /listening on (http:\/\/\S+)/.exec(io.output().stdout)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined));
    assert.notEqual(url, 'exited', io.output().stderr);
    b = { url };
  });
  after(async () => {
    await a.close();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });

  const attempt = (srv: Instance, fields: Record<string, string>) => postForm(`${srv.url}/admin/login`, fields);
  async function captchaFrom(srv: Instance): Promise<{ captchaId: string; captchaAnswer: string }> {
    const { id } = (await (await fetch(`${srv.url}/auth/captcha`)).json()) as { id: string };
    return { captchaId: id, captchaAnswer: await solveCaptcha(id) };
  }

  it('counts failures on both processes: captcha from the 4th attempt, locked after the 5th, the right password refused', async () => {
    const user = await makeUser({ password: 'Right1pass' });
    assert.notEqual(a.url, b.url);
    for (const srv of [a, b, a]) {
      const res = await attempt(srv, { email: user.username, password: 'Wrong1pass' });
      assert.equal(res.status, 400);
      assert.equal(await loginMessage(res), '用户名或密码错误');
    }
    const noCaptcha = await attempt(b, { email: user.username, password: 'Right1pass' });
    assert.equal(await loginMessage(noCaptcha), '请输入验证码', 'the 4th attempt needs a captcha, whichever instance gets it');

    // A captcha issued by one instance is checked by the other (answers live in Redis).
    const fourth = await attempt(b, { email: user.username, password: 'Wrong1pass', ...(await captchaFrom(a)) });
    assert.equal(await loginMessage(fourth), '用户名或密码错误');
    const fifth = await attempt(a, { email: user.username, password: 'Wrong1pass', ...(await captchaFrom(b)) });
    assert.match(await loginMessage(fifth), /账号已被锁定，请于 \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+8\) 之后再试/);

    const right = await attempt(b, { email: user.username, password: 'Right1pass', ...(await captchaFrom(b)) });
    assert.equal(right.status, 400);
    assert.match(await loginMessage(right), /账号已被锁定/);
    assert.equal(right.headers.get('location'), null, 'no session was created');

    const row = (await AdminUser.findByPk(user.id))!;
    assert.equal(row.failedLoginCount, 5);
    assert.ok(row.lockedUntil && row.lockedUntil.getTime() > Date.now() + 14 * 60_000);
    const reasons = (await LoginLog.findAll({ where: { userId: user.id }, order: [['id', 'ASC']] })).map((l) => l.reason);
    assert.deepEqual(reasons, ['wrong_password', 'wrong_password', 'wrong_password', 'captcha_required', 'wrong_password', 'wrong_password', 'locked']);
    const ips = await LoginLog.findAll({ where: { userId: user.id }, attributes: ['ip', 'userAgent'] });
    assert.ok(ips.every((l) => l.ip && l.userAgent), 'ip and user agent are logged');
  });
});
