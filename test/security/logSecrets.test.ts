import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { db } from '../../server/db/index.js';
import { setLogDestination } from '../../server/logger.js';
import { EmailMessage } from '../../server/models/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { seedPackage, startWorld, type World } from '../support/miniApi.js';
import { clientFor, makeWorld } from '../support/cardKeys.js';
import { Session, startAdminServer } from './support.js';

/**
 * Issue 11 item 2: a whole day of traffic — admin login, password reset, email verification, card-key
 * query, mini-program login and refresh, a paid order's notification, an API key's creation — with
 * the log captured; no secret any of it handled may appear in the log.
 */
describe('security: no secret reaches the log', function () {
  this.timeout(120_000);
  const lines: string[] = [];
  const secrets = new Map<string, string>();
  let admin: Awaited<ReturnType<typeof startAdminServer>>;
  let w: World;

  before(async () => {
    db();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    admin = await startAdminServer({ LOG_LEVEL: 'info' });
    w = await startWorld({ LOG_LEVEL: 'info' });
  });
  after(async () => {
    await w.restore();
    await admin.restore();
    setLogDestination(undefined);
  });

  const keep = (what: string, value: string | undefined | null) => {
    assert.ok(value && value.length >= 8, `${what} was handled`);
    secrets.set(what, value);
  };

  it('runs the flows', async () => {
    const url = admin.server.url;
    const password = `Log-${randomBytes(6).toString('hex')}1`;
    const email = `logs_${randomBytes(3).toString('hex')}@example.com`;
    await createAdminUser({ username: 'logs_root', password, role: 'super_admin', email });
    keep('admin password', password);

    const session = await Session.login(url, 'logs_root', password, { origin: url });
    keep('admin session cookie', decodeURIComponent(session.cookie.split('=')[1]!).slice(2, 34));
    assert.equal((await session.request('GET', '/admin/api/resources/system_configs/actions/list')).status, 200);

    // Password reset through the emailed link.
    await new Session(url).form('POST', '/auth/forgot', { email });
    const mail = await EmailMessage.findOne({ where: { toAddress: email }, order: [['id', 'DESC']] });
    const resetToken = /[?&]token=([^\s&]+)/.exec(mail!.textBody)?.[1];
    keep('reset token', resetToken);
    assert.equal((await fetch(`${url}/auth/reset?token=${resetToken}`)).status, 200);
    const newPassword = `New-${randomBytes(6).toString('hex')}2`;
    keep('new password', newPassword);
    const reset = await new Session(url).form('POST', '/auth/reset', { token: resetToken!, password: newPassword, passwordConfirm: newPassword });
    assert.equal(reset.status, 200);

    // Email verification (a link's token, valid or not, is as secret in the log).
    const verifyToken = randomBytes(24).toString('base64url');
    keep('verification token', verifyToken);
    await fetch(`${url}/auth/verify?token=${verifyToken}`);
    await new Session(url).form('POST', '/auth/verify', { token: verifyToken });

    // Card-key verification and query on the open API.
    const project = await makeWorld('logsk');
    keep('app secret', project.appSecret);
    const code = `LOGK-${randomBytes(6).toString('hex').toUpperCase()}`;
    keep('card key', code);
    const client = clientFor(url, project);
    assert.equal((await client.query(code)).status, 404);
    await client.request('POST', '/open/v1/card-keys/verify', { card_key: code, device_id: 'dev-log' });

    // Mini-program login, refresh, an order paid through WeChat's notification, an API key.
    const user = await w.api.login(w.sim);
    keep('mini access token', user.token);
    keep('mini refresh token', user.refresh);
    const refreshed = await w.api.call('POST', '/api/auth/refresh', { body: { refreshToken: user.refresh } });
    keep('rotated refresh token', refreshed.body.data.refreshToken);
    keep('rotated access token', refreshed.body.data.accessToken);
    const token = refreshed.body.data.accessToken as string;
    const pkg = (await seedPackage({ price: '10.00', points: 100 })).pkg;
    const order = await w.api.call('POST', '/api/orders', { token, body: { packageId: pkg.id } });
    const pay = await w.api.call('POST', `/api/orders/${order.body.data.id}/pay`, { token });
    keep('pay signature', pay.body.data.payment.paySign);
    w.sim.pay(order.body.data.orderNo);
    await w.sim.settled();
    assert.deepEqual(w.sim.deliveriesFor(order.body.data.orderNo).map((d) => d.status), [204]);
    const created = await w.api.call('POST', '/api/v1/api-keys', { token, body: { name: 'log test', validityMonths: 1 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    keep('API key', created.body.data.key);
  });

  it('logged the requests, and none of the secrets', () => {
    const log = lines.join('');
    assert.match(log, /"url":"\/open\/v1\/card-keys\/:value"/, 'requests were logged (by route pattern)');
    assert.match(log, /"url":"\/auth\/reset"/);
    assert.match(log, /\/api\/pay\/wechat\/notify/);
    const leaked = [...secrets].filter(([, value]) => log.includes(value) || log.includes(encodeURIComponent(value))).map(([what]) => what);
    assert.deepEqual(leaked, []);
  });
});
