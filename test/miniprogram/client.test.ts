import assert from 'node:assert/strict';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { theSuperAdmin } from '../support/apiKeys.js';
import { seedPackage, startWorld, type World } from '../support/miniApi.js';
import { signIn } from './fixtures.js';
import { MiniRuntime, useMiniprogramDom } from './harness.js';

interface Session {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

/** The API client's login upkeep, seen from the pages: refresh ahead of expiry, one refresh at a time, 401 → log in again once. */
describe('mini-program API client', function () {
  this.timeout(30_000);
  useMiniprogramDom();
  let w: World;
  let rt: MiniRuntime;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.restore());
  beforeEach(() => {
    rt = new MiniRuntime({ server: w.server.url, sim: w.sim });
  });
  afterEach(() => rt.close());

  const session = () => rt.storage.get('seahorse.session') as Session;
  const calls = (path: string) => rt.requests.filter((r) => r.path === path);

  it('refreshes an access token about to expire before using it — once, however many requests wait', async () => {
    await signIn(rt);
    const before = session();
    rt.storage.set('seahorse.session', { ...before, accessExpiresAt: Date.now() + 60_000 });
    await rt.open('pages/home/index'); // four requests at once
    assert.equal(calls('/api/auth/refresh').length, 1, 'one refresh: a second use of the same refresh token would end the login');
    assert.equal(calls('/api/auth/wx-login').length, 1, 'only the first login');
    assert.notEqual(session().refreshToken, before.refreshToken, 'the rotated refresh token is kept');
    assert.ok(rt.requests.filter((r) => r.path !== '/api/auth/refresh').every((r) => r.status === 200));
    assert.match(rt.text(), /可用积分/);
  });

  it('a 401 (the login was ended elsewhere) logs in again once and retries; the page never sees it', async () => {
    await signIn(rt);
    const out = await w.api.call('POST', '/api/auth/logout', { body: { refreshToken: session().refreshToken } });
    assert.equal(out.status, 200);
    await rt.open('pages/me/index');
    assert.ok(rt.requests.some((r) => r.status === 401), 'the old token was refused');
    assert.equal(calls('/api/auth/wx-login').length, 2, 'logged in again');
    assert.match(rt.text(), /退出登录/);
    assert.doesNotMatch(rt.text(), /登录已失效/);
  });

  it('an expired refresh token means a silent new login, not an error', async () => {
    await signIn(rt);
    rt.storage.set('seahorse.session', { ...session(), accessExpiresAt: Date.now() - 1000, refreshExpiresAt: Date.now() - 1000 });
    await rt.open('pages/orders/index');
    assert.equal(calls('/api/auth/refresh').length, 0);
    assert.equal(calls('/api/auth/wx-login').length, 2);
    assert.match(rt.text(), /还没有购买记录/);
  });

  it('asks for the payment-success subscription before paying when the operator set a template and the user wants reminders', async () => {
    const admin = await theSuperAdmin();
    const { pkg } = await seedPackage({ price: '10.00', points: 100 });
    await updateSetting('notification.wechat_payment_success_template', 'Tpl_Paid', admin);
    try {
      await signIn(rt);
      await rt.open('pages/order-confirm/index', { packageId: pkg.id });
      rt.payBehaviour = 'cancel';
      await rt.tap('.pay');
      assert.deepEqual(rt.subscribeRequests, [['Tpl_Paid']]);

      await w.api.call('PATCH', '/api/user/settings', { token: (await w.api.login(w.sim, rt.openid)).token, body: { paymentReminder: false } });
      await rt.open('pages/order-confirm/index', { packageId: pkg.id });
      await rt.tap('.pay');
      assert.equal(rt.subscribeRequests.length, 1, 'not asked once the user switched reminders off');
    } finally {
      await updateSetting('notification.wechat_payment_success_template', '', admin);
    }
  });
});
