import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { db } from '../../server/db/index.js';
import { AdminUser, LoginLog } from '../../server/models/index.js';
import { makeUser, solveCaptcha } from '../support/identity.js';
import { startAdminServer } from './support.js';

const PASSWORD = 'Owner-pass-123';

/** The error message AdminJS renders on a refused login page (its __APP_STATE__). */
function loginMessage(html: string): string {
  const state = /__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(html)?.[1];
  assert.ok(state, `no login state in: ${html.slice(0, 200)}`);
  return (JSON.parse(state) as { errorMessage?: string }).errorMessage ?? '';
}

interface Networks {
  /** Two addresses in the owner's network (same IPv4 /24 or IPv6 /64). */
  owner: [string, string];
  attacker: string;
  /** Somewhere else again, where nobody has logged in. */
  elsewhere: string;
}

/** Networks no other suite uses (the per-IP login counters live in the run's Redis for a minute). */
function ipv4Networks(): Networks {
  const a = randomInt(1, 254);
  const net = (third: number) => `100.${64 + randomInt(0, 60)}.${third}`;
  const owner = net(a);
  return { owner: [`${owner}.10`, `${owner}.200`], attacker: `${net((a + 1) % 254)}.66`, elsewhere: `${net((a + 2) % 254)}.77` };
}

function ipv6Networks(): Networks {
  const hex = () => randomInt(1, 0xffff).toString(16);
  const owner = `2001:db8:${hex()}:${hex()}`;
  return { owner: [`${owner}::10`, `${owner}:1:2:3:4`], attacker: `2001:db8:${hex()}:${hex()}::66`, elsewhere: `2001:db8:${hex()}:${hex()}::77` };
}

/**
 * Issue 11 item 13, over real HTTP: a stranger cannot use the failure lock as a weapon against the
 * owner. While an account is locked, a login from a network where the owner logged in successfully
 * in the last 90 days (IPv4 /24, IPv6 /64) still goes through — with a captcha — and a lock that
 * has ended leaves no failures behind (one wrong password afterwards does not lock again).
 * The server trusts one proxy hop; the test plays the proxy and says which client it saw.
 */
describe('security: the login lock cannot be used to keep the owner out (known networks, counter reset)', function () {
  this.timeout(120_000);
  let world: Awaited<ReturnType<typeof startAdminServer>>;
  let url: string;

  before(async () => {
    db();
    world = await startAdminServer({ TRUST_PROXY: '1' });
    url = world.server.url;
  });
  after(() => world.restore());

  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  async function login(ip: string, username: string, password: string, captcha = false): Promise<{ status: number; location: string | null; message: string }> {
    const fields: Record<string, string> = { email: username, password };
    if (captcha) {
      const res = await fetch(`${url}/auth/captcha`, { headers: from(ip) });
      assert.equal(res.status, 200);
      const { id } = (await res.json()) as { id: string };
      Object.assign(fields, { captchaId: id, captchaAnswer: await solveCaptcha(id) });
    }
    const res = await fetch(`${url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...from(ip) },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const location = res.headers.get('location');
    const body = await res.text();
    return { status: res.status, location, message: location ? '' : loginMessage(body) };
  }

  const loggedIn = (a: { status: number; location: string | null }) => a.status === 302 && a.location === '/admin';

  async function captchaDue(ip: string, username: string): Promise<boolean> {
    const res = await fetch(`${url}/auth/login-captcha`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...from(ip) },
      body: new URLSearchParams({ username }).toString(),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { captchaRequired: boolean }).captchaRequired;
  }

  /** Five wrong passwords (the 4th and 5th with a solved captcha, as a determined attacker would send). */
  async function lockOut(ip: string, username: string): Promise<void> {
    for (let i = 1; i <= 5; i++) {
      const answer = await login(ip, username, `Guess-${i}-pass`, i > 3);
      assert.equal(loggedIn(answer), false);
      if (i < 5) assert.equal(answer.message, '用户名或密码错误', `attempt ${i}`);
      else assert.match(answer.message, /密码连续错误 5 次，账号已被锁定/);
    }
  }

  for (const [label, role, networks] of [
    ['an agent, over IPv4 (/24)', 'agent', ipv4Networks()],
    ['the super admin, over IPv6 (/64)', 'super_admin', ipv6Networks()],
  ] as const) {
    it(`${label}: the owner's network still logs in during a stranger's lock; an ended lock leaves no failures`, async () => {
      const owner = await makeUser({ role, password: PASSWORD });
      const name = owner.username;

      // The owner works from network A.
      assert.ok(loggedIn(await login(networks.owner[0], name, PASSWORD)), 'the owner logs in from network A');

      // A stranger at network B locks the account with wrong passwords…
      await lockOut(networks.attacker, name);
      const locked = (await AdminUser.findByPk(owner.id))!;
      assert.equal(locked.failedLoginCount, 5);
      assert.ok(locked.lockedUntil && locked.lockedUntil.getTime() > Date.now(), 'the account is locked');

      // …and is refused from then on, even with the right password and a captcha.
      const stranger = await login(networks.attacker, name, PASSWORD, true);
      assert.equal(loggedIn(stranger), false, 'the stranger gets no session');
      assert.match(stranger.message, /账号已被锁定/);
      // Anywhere else the owner has never been, the lock holds too.
      assert.match((await login(networks.elsewhere, name, PASSWORD, true)).message, /账号已被锁定/);

      // The owner, from another address of network A, is asked for the captcha and then let in.
      const second = networks.owner[1];
      assert.equal(await captchaDue(second, name), true, 'the login page shows the captcha');
      const noCaptcha = await login(second, name, PASSWORD);
      assert.equal(loggedIn(noCaptcha), false);
      assert.equal(noCaptcha.message, '请输入验证码', 'at a known network the lock becomes a captcha, not a pass');
      assert.ok(loggedIn(await login(second, name, PASSWORD, true)), 'the owner logs in from a known network during the lock');
      const reasons = (await LoginLog.findAll({ where: { userId: owner.id }, order: [['id', 'ASC']] })).map((l) => `${l.reason}@${l.ip}`);
      assert.deepEqual(reasons.slice(-2), [`captcha_required@${second}`, `success@${second}`]);

      // The stranger locks it again; the lock then ends (moved into the past in the row: no sleeping).
      await lockOut(networks.attacker, name);
      await AdminUser.update({ lockedUntil: new Date(Date.now() - 1000) }, { where: { id: owner.id } });
      assert.equal(await captchaDue(networks.elsewhere, name), false, 'an ended lock leaves no failures: no captcha is due');

      // One wrong password after the lock ended is one failure, not a new lock.
      const typo = await login(networks.elsewhere, name, 'Typo-pass-1', true);
      assert.equal(typo.message, '用户名或密码错误');
      const after = (await AdminUser.findByPk(owner.id))!;
      assert.equal(after.failedLoginCount, 1, 'the counter started again from zero');
      assert.ok(after.lockedUntil === null || after.lockedUntil.getTime() <= Date.now(), 'not locked again');
      assert.equal(await captchaDue(networks.elsewhere, name), false);
      assert.ok(loggedIn(await login(networks.elsewhere, name, PASSWORD)), 'the right password works without a captcha');
    });
  }
});
