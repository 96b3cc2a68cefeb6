import assert from 'node:assert/strict';
import { Op } from 'sequelize';
import { isAppError } from '../../errors.js';
import { EmailMessage, SecurityEvent } from '../../models/index.js';
import { latestNotification, events, fund, makeUser, snapshot, type TestUser } from '../../../test/support/quota.js';
import { solveCaptcha, startMailDelivery } from '../../../test/support/identity.js';
import { authenticate } from '../identity/authenticate.js';
import { createCaptcha } from '../identity/captcha.js';
import { changePassword } from '../identity/passwordReset.js';
import { transferQuota } from '../quota/transferQuota.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { browserOf, networkOf } from './fingerprint.js';

const CHROME_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CHROME_WIN_NEWER = CHROME_WIN.replace('131.0.0.0', '132.0.6834.83');
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const DAY = 86_400_000;

describe('account anomalies', () => {
  let root: TestUser;
  let parent: TestUser;
  before(async () => {
    root = await makeUser('sec_root', 'super_admin');
    parent = await makeUser('sec_parent', 'agent_admin');
  });

  it('networks are /24 (IPv4) and /48 (IPv6); browsers are family and system, without versions', () => {
    assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
    assert.equal(networkOf('::ffff:203.0.113.5'), '203.0.113.0/24');
    assert.equal(networkOf('2001:db8:1:2::1'), '2001:db8:1::/48');
    assert.equal(networkOf('2001:0db8:0001:ffff:0:0:0:9'), '2001:db8:1::/48');
    assert.equal(networkOf('2001:db8::1'), '2001:db8:0::/48');
    assert.equal(networkOf('not-an-ip'), null);
    assert.equal(browserOf(CHROME_WIN), 'Chrome on Windows');
    assert.equal(browserOf(CHROME_WIN_NEWER), browserOf(CHROME_WIN));
    assert.equal(browserOf(FIREFOX_LINUX), 'Firefox on Linux');
    assert.equal(browserOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47'), 'WeChat on iOS');
  });

  describe('a login from a network or browser not seen for 90 days', () => {
    let user: TestUser;
    const T0 = new Date('2031-03-01T02:00:00Z');
    const login = (ip: string, ua: string, now: Date) => authenticate({ username: user.username, password: 'abcd1234', ip, userAgent: ua, now });
    const kinds = async () => (await SecurityEvent.findAll({ where: { userId: user.id }, order: [['id', 'ASC']] })).map((e) => e.kind);

    before(async () => {
      user = await makeUser('sec_login', 'agent', parent.id);
    });

    it('the first login is only remembered; the same /24 and a newer version of the same browser are not new', async () => {
      await login('198.51.100.10', CHROME_WIN, T0);
      await login('198.51.100.200', CHROME_WIN_NEWER, new Date(T0.getTime() + DAY));
      assert.deepEqual(await kinds(), []);
      assert.deepEqual((await events(user.id)).filter((e) => e.startsWith('security.')), []);
    });

    it('another network: the user is told in-site and by email (real SMTP), and the security log has it', async () => {
      const delivery = await startMailDelivery();
      try {
        await login('192.0.2.44', CHROME_WIN, new Date(T0.getTime() + 2 * DAY));
        assert.deepEqual(await kinds(), ['new_network']);
        const event = await SecurityEvent.findOne({ where: { userId: user.id, kind: 'new_network' } });
        assert.equal(event!.ip, '192.0.2.44');
        assert.deepEqual(event!.details, { network: '192.0.2.0/24', lookbackDays: 90 });
        const note = await latestNotification(user.id);
        assert.equal(note!.event, 'security.new_login');
        assert.match(note!.body, /192\.0\.2\.44/);
        const mail = await delivery.mailbox.next(`${user.username}@example.test`, (m) => m.subject === '新的登录环境');
        assert.match(mail.text, /192\.0\.2\.0\/24/);
      } finally {
        await delivery.stop();
      }
    });

    it('another browser is new too; a network last seen 91 days ago is new again, one seen 89 days ago is not', async () => {
      await login('192.0.2.45', FIREFOX_LINUX, new Date(T0.getTime() + 3 * DAY));
      assert.deepEqual(await kinds(), ['new_network', 'new_browser']);
      // 198.51.100.0/24 was last seen at T0 + 1 day.
      await login('198.51.100.1', FIREFOX_LINUX, new Date(T0.getTime() + 90 * DAY));
      assert.deepEqual(await kinds(), ['new_network', 'new_browser'], '89 days: still known');
      await login('192.0.2.46', FIREFOX_LINUX, new Date(T0.getTime() + 3 * DAY + 91 * DAY));
      assert.deepEqual(await kinds(), ['new_network', 'new_browser', 'new_network'], '91 days: new again');
    });

    it('IPv6 logins compare /48 networks', async () => {
      const before = (await kinds()).length;
      await login('2001:db8:aa:1::1', FIREFOX_LINUX, new Date(T0.getTime() + 100 * DAY));
      await login('2001:db8:aa:ffff::9', FIREFOX_LINUX, new Date(T0.getTime() + 100 * DAY));
      await login('2001:db8:ab::1', FIREFOX_LINUX, new Date(T0.getTime() + 100 * DAY));
      assert.deepEqual((await kinds()).slice(before), ['new_network', 'new_network']);
    });

    it('switched off: nothing is told or logged, but the login is still remembered', async () => {
      await updateSetting('security.new_login_alert_enabled', false, root);
      try {
        const before = (await kinds()).length;
        await login('100.64.9.9', CHROME_WIN, new Date(T0.getTime() + 101 * DAY));
        assert.equal((await kinds()).length, before);
      } finally {
        await updateSetting('security.new_login_alert_enabled', true, root);
      }
      const before = (await kinds()).length;
      await login('100.64.9.10', CHROME_WIN, new Date(T0.getTime() + 102 * DAY));
      assert.equal((await kinds()).length, before, 'the network was remembered while alerts were off');
    });
  });

  describe('a lock after 5 failures', () => {
    const failUntilLocked = async (user: TestUser, ip: string) => {
      for (let i = 0; i < 5; i++) {
        const captcha = i >= 3 ? await createCaptcha() : null;
        const err = await authenticate({
          username: user.username,
          password: 'wrong-password-1',
          ip,
          ...(captcha ? { captchaId: captcha.id, captchaAnswer: await solveCaptcha(captcha.id) } : {}),
        }).catch((e: unknown) => e);
        assert.ok(isAppError(err));
        if (i === 4) assert.equal(err.reason, 'ACCOUNT_LOCKED');
      }
    };

    it('tells the agent and their agent admin, with a security-log entry', async () => {
      const agent = await makeUser('sec_lock', 'agent', parent.id);
      await failUntilLocked(agent, '203.0.113.9');
      const entry = await SecurityEvent.findOne({ where: { userId: agent.id, kind: 'account_locked' } });
      assert.equal(entry!.ip, '203.0.113.9');
      assert.equal((entry!.details as { failures: number }).failures, 5);
      assert.equal((await latestNotification(agent.id))!.event, 'security.account_locked');
      const told = await latestNotification(parent.id);
      assert.equal(told!.event, 'security.account_locked');
      assert.match(told!.title, new RegExp(agent.username));
      assert.equal(await EmailMessage.count({ where: { userId: { [Op.in]: [agent.id, parent.id] }, template: 'security.account_locked' } }), 2);
    });

    it('an agent admin\'s lock is told to the super admins', async () => {
      const admin = await makeUser('sec_lock_adm', 'agent_admin');
      await failUntilLocked(admin, '203.0.113.10');
      const told = await latestNotification(root.id);
      assert.equal(told!.event, 'security.account_locked');
      assert.match(told!.title, new RegExp(admin.username));
    });
  });

  describe('frequent sensitive operations', () => {
    it('over the rate, further ones are refused for a while (both languages, nothing changed) and the super admins are told once', async () => {
      const agent = await makeUser('sec_ops', 'agent', parent.id);
      const peer = await makeUser('sec_ops_peer', 'agent', parent.id);
      await fund(root, agent, '100.00');
      await updateSetting('security.sensitive_ops_max', 3, root);
      try {
        for (let i = 0; i < 3; i++) await transferQuota({ actor: agent, recipientUsername: peer.username, amount: '1' });
        const before = await snapshot([agent.id, peer.id]);
        const refused = await transferQuota({ actor: agent, recipientUsername: peer.username, amount: '1' }).catch((e: unknown) => e);
        assert.ok(isAppError(refused));
        assert.equal(refused.status, 429);
        assert.equal(refused.reason, 'SENSITIVE_OPS_LIMITED');
        assert.match(refused.messageIn('zh-CN'), /敏感操作过于频繁.*30 分钟后再试/);
        assert.match(refused.messageIn('en'), /Too many sensitive operations.*30 minute/);
        // Every sensitive operation of that account is paused, a password change included.
        const pw = await changePassword({ userId: agent.id, currentPassword: 'abcd1234', newPassword: 'newpass123' }).catch((e: unknown) => e);
        assert.ok(isAppError(pw) && pw.reason === 'SENSITIVE_OPS_LIMITED');
        assert.deepEqual(await snapshot([agent.id, peer.id]), before);

        const entries = await SecurityEvent.findAll({ where: { userId: agent.id, kind: 'sensitive_ops_limited' } });
        assert.equal(entries.length, 1, 'logged once per block');
        assert.equal((entries[0]!.details as { operation: string }).operation, 'quota_transfer');
        const told = await latestNotification(root.id);
        assert.equal(told!.event, 'security.sensitive_ops_limited');
        assert.match(told!.title, new RegExp(agent.username));

        // Another account is not affected; a super admin is never limited.
        await transferQuota({ actor: peer, recipientUsername: agent.username, amount: '1' });
        for (let i = 0; i < 5; i++) await fund(root, peer, '1.00');
      } finally {
        await updateSetting('security.sensitive_ops_max', 30, root);
      }
    });
  });
});
