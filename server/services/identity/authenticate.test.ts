import assert from 'node:assert/strict';
import { AdminUser, LoginLog, OperationLog } from '../../models/index.js';
import { AppError } from '../../errors.js';
import { makeUser, solveCaptcha, uniqueName } from '../../../test/support/identity.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { authenticate, type LoginAttempt } from './authenticate.js';
import { createCaptcha } from './captcha.js';
import { unlockUser } from './freezeUser.js';

const PASSWORD = 'Passw0rd1';
const T0 = new Date('2026-11-22T04:00:00Z');
const at = (minutes: number, seconds = 0) => new Date(T0.getTime() + minutes * 60_000 + seconds * 1000);

async function refused(attempt: LoginAttempt): Promise<AppError> {
  try {
    await authenticate(attempt);
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return err;
  }
  assert.fail('login unexpectedly succeeded');
}

async function withCaptcha(attempt: LoginAttempt): Promise<LoginAttempt> {
  const { id } = await createCaptcha();
  return { ...attempt, captchaId: id, captchaAnswer: await solveCaptcha(id) };
}

describe('identity: authenticate (lockout, captcha, throttle)', () => {
  // Every test here uses its own IP so the per-IP throttle of one does not affect another.
  let ipCounter = 0;
  const nextIp = () => `10.77.0.${++ipCounter}`;

  it('demands a captcha from the 4th attempt, locks after 5 wrong passwords, refuses the right one until the lock expires', async () => {
    const user = await makeUser();
    const ip = nextIp();
    const base = { username: user.username, ip, userAgent: 'mocha' };
    for (let i = 1; i <= 3; i++) {
      const err = await refused({ ...base, password: 'wrong-1', now: T0 });
      assert.equal(err.reason, 'BAD_CREDENTIALS');
      assert.equal((err.details as { captchaRequired: boolean }).captchaRequired, i >= 3, `attempt ${i}`);
    }
    // 4th attempt: without a captcha, with a wrong one, and with a used one are refused before the password is checked.
    assert.equal((await refused({ ...base, password: PASSWORD, now: T0 })).reason, 'CAPTCHA_REQUIRED');
    const { id } = await createCaptcha();
    assert.equal((await refused({ ...base, password: PASSWORD, captchaId: id, captchaAnswer: 'zzzz', now: T0 })).reason, 'CAPTCHA_INVALID');
    const fresh = await createCaptcha();
    const answer = await solveCaptcha(fresh.id);
    assert.equal((await refused({ ...base, password: 'wrong-4', captchaId: fresh.id, captchaAnswer: answer, now: T0 })).reason, 'BAD_CREDENTIALS');
    assert.equal((await refused({ ...base, password: PASSWORD, captchaId: fresh.id, captchaAnswer: answer, now: T0 })).reason, 'CAPTCHA_INVALID', 'a captcha works once');
    assert.equal((await AdminUser.findByPk(user.id))!.failedLoginCount, 4, 'captcha refusals do not count as password failures');

    const locked = await refused(await withCaptcha({ ...base, password: 'wrong-5', now: T0 }));
    assert.equal(locked.reason, 'ACCOUNT_LOCKED');
    assert.match(locked.message, /2026-11-22 12:15 \(UTC\+8\)/, 'the message says until when');
    assert.equal((locked.details as { lockedUntil: string }).lockedUntil, at(15).toISOString());

    const stillLocked = await refused(await withCaptcha({ ...base, password: PASSWORD, now: at(14, 59) }));
    assert.equal(stillLocked.reason, 'ACCOUNT_LOCKED', 'the right password is refused while locked');

    // The lock has ended, and with it the failures: no captcha, no second lock from one more mistake.
    const ok = await authenticate({ ...base, password: PASSWORD, now: at(15, 1) });
    assert.equal(ok.id, user.id);
    const after = (await AdminUser.findByPk(user.id))!;
    assert.equal(after.failedLoginCount, 0);
    assert.equal(after.lockedUntil, null);
    assert.equal(after.lastLoginIp, ip);

    const logs = await LoginLog.findAll({ where: { userId: user.id }, order: [['id', 'ASC']] });
    assert.deepEqual(
      logs.map((l) => l.reason),
      ['wrong_password', 'wrong_password', 'wrong_password', 'captcha_required', 'captcha_invalid', 'wrong_password', 'captcha_invalid', 'wrong_password', 'locked', 'success'],
    );
    assert.ok(logs.every((l) => l.ip === ip && l.userAgent === 'mocha'));
    assert.equal(await OperationLog.count({ where: { action: 'lock', recordId: String(user.id) } }), 1);
  });

  const lockOut = async (username: string, ip: string, now: Date) => {
    for (let i = 1; i <= 5; i++) await refused(await withCaptcha({ username, password: `wrong-${i}`, ip, now }));
    assert.ok((await AdminUser.findOne({ where: { username } }))!.lockedUntil);
  };

  it('a lock that has ended leaves no failures behind: one more wrong password does not lock again', async () => {
    const user = await makeUser();
    const ip = nextIp();
    await lockOut(user.username, ip, T0);
    const again = await refused({ username: user.username, password: 'wrong-6', ip, now: at(15, 1) });
    assert.equal(again.reason, 'BAD_CREDENTIALS');
    assert.equal((again.details as { captchaRequired: boolean }).captchaRequired, false);
    const row = (await AdminUser.findByPk(user.id))!;
    assert.equal(row.failedLoginCount, 1);
    assert.equal(row.lockedUntil, null);
    assert.equal((await authenticate({ username: user.username, password: PASSWORD, ip, now: at(15, 2) })).id, user.id);
  });

  it("strangers' failures do not lock the owner out at a network the owner logged in from", async () => {
    const user = await makeUser();
    await authenticate({ username: user.username, password: PASSWORD, ip: '192.0.2.10', now: T0 });
    await lockOut(user.username, '203.0.113.50', at(1));
    // Elsewhere the lock holds, even with the right password.
    assert.equal((await refused(await withCaptcha({ username: user.username, password: PASSWORD, ip: '198.51.100.9', now: at(2) }))).reason, 'ACCOUNT_LOCKED');
    // At the owner's network (same /24) a mistake is a plain refusal with a captcha, and the right password works.
    const typo = await refused(await withCaptcha({ username: user.username, password: 'typo-1', ip: '192.0.2.77', now: at(2) }));
    assert.equal(typo.reason, 'BAD_CREDENTIALS');
    assert.equal((await refused({ username: user.username, password: PASSWORD, ip: '192.0.2.77', now: at(2) })).reason, 'CAPTCHA_REQUIRED');
    const ok = await authenticate(await withCaptcha({ username: user.username, password: PASSWORD, ip: '192.0.2.77', now: at(2) }));
    assert.equal(ok.id, user.id);
    const row = (await AdminUser.findByPk(user.id))!;
    assert.equal(row.lockedUntil, null, 'the owner logging in lifts the lock');
    assert.equal(row.failedLoginCount, 0);
  });

  it('answers unknown usernames like real ones (captcha after 3, then locked)', async () => {
    const { username } = uniqueName('ghost');
    const ip = nextIp();
    for (let i = 0; i < 3; i++) assert.equal((await refused({ username, password: 'x1234567', ip, now: T0 })).reason, 'BAD_CREDENTIALS');
    assert.equal((await refused({ username, password: 'x1234567', ip, now: T0 })).reason, 'CAPTCHA_REQUIRED');
    await refused(await withCaptcha({ username, password: 'x1234567', ip, now: T0 }));
    assert.equal((await refused(await withCaptcha({ username, password: 'x1234567', ip, now: T0 }))).reason, 'ACCOUNT_LOCKED');
    assert.equal(await LoginLog.count({ where: { username, reason: 'unknown_user' } }), 5);
  });

  it('counts parallel wrong attempts without losing any (atomic counter) and locks once the limit is passed', async () => {
    const user = await makeUser();
    const ip = nextIp();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => refused({ username: user.username, password: 'wrong-pw1', ip, now: T0 })),
    );
    const fresh = (await AdminUser.findByPk(user.id))!;
    const counted = await LoginLog.count({ where: { userId: user.id, reason: 'wrong_password' } });
    assert.equal(fresh.failedLoginCount, counted, 'every checked password failure was counted');
    assert.ok(counted >= 5);
    assert.equal(fresh.lockedUntil?.toISOString(), at(15).toISOString());
    assert.ok(results.some((r) => r.reason === 'ACCOUNT_LOCKED'));
  });

  it('blocks frozen and unverified accounts with their own message, only after the password is right', async () => {
    const frozen = await makeUser({ status: 'frozen' });
    const pending = await makeUser({ status: 'pending' });
    const ip = nextIp();
    assert.equal((await refused({ username: frozen.username, password: 'wrong-pw1', ip })).reason, 'BAD_CREDENTIALS');
    const f = await refused({ username: frozen.username, password: PASSWORD, ip });
    assert.equal(f.reason, 'ACCOUNT_FROZEN');
    assert.match(f.message, /冻结/);
    assert.equal((await refused({ username: pending.username, password: PASSWORD, ip })).reason, 'ACCOUNT_PENDING');
  });

  it('an administrator can lift a lock early (audited)', async () => {
    const owner = await makeUser({ role: 'agent_admin' });
    const agent = await makeUser({ parentId: owner.id });
    const ip = nextIp();
    for (let i = 0; i < 5; i++) await refused(i < 3 ? { username: agent.username, password: 'bad-pass1', ip } : await withCaptcha({ username: agent.username, password: 'bad-pass1', ip }));
    assert.equal((await refused(await withCaptcha({ username: agent.username, password: PASSWORD, ip }))).reason, 'ACCOUNT_LOCKED');
    await unlockUser({ id: owner.id, role: 'agent_admin', parentId: null }, agent.id);
    assert.equal((await authenticate({ username: agent.username, password: PASSWORD, ip })).id, agent.id);
    assert.equal(await OperationLog.count({ where: { action: 'unlock', recordId: String(agent.id), actorId: owner.id } }), 1);
  });

  it('throttles one IP trying many usernames, not one whose logins succeed', async () => {
    const admin = await makeUser({ role: 'super_admin' });
    const actor = { id: admin.id, role: 'super_admin' };
    await updateSetting('security.login_ip_max_per_minute', 4, actor);
    try {
      const ip = nextIp();
      for (let i = 0; i < 4; i++) assert.equal((await refused({ username: uniqueName('spray').username, password: 'guess123', ip })).reason, 'BAD_CREDENTIALS');
      const limited = await refused({ username: uniqueName('spray').username, password: 'guess123', ip });
      assert.equal(limited.status, 429);
      assert.equal(limited.reason, 'LOGIN_RATE_LIMITED');
      assert.equal(await LoginLog.count({ where: { ip, reason: 'rate_limited' } }), 1);
      assert.equal((await refused({ username: uniqueName('spray').username, password: 'guess123', ip: nextIp() })).reason, 'BAD_CREDENTIALS', 'other IPs are not affected');
      const office = nextIp();
      const colleague = await makeUser();
      for (let i = 0; i < 6; i++) assert.equal((await authenticate({ username: colleague.username, password: PASSWORD, ip: office })).id, colleague.id, 'successful logins are not limited');
    } finally {
      await updateSetting('security.login_ip_max_per_minute', 30, actor);
    }
  });
});
