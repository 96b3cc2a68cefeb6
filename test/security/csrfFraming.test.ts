import assert from 'node:assert/strict';
import { db } from '../../server/db/index.js';
import { LoginLog, SystemConfig } from '../../server/models/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { Session, startAdminServer } from './support.js';

const PASSWORD = 'Csrf-pass-1234';
const EVIL = 'https://evil.example';

/** Issue 11 item 11: no cross-site state changes on /admin and /auth, no framing, logout by POST. */
describe('security: CSRF and framing on the browser surfaces', function () {
  this.timeout(120_000);
  let app: Awaited<ReturnType<typeof startAdminServer>>;
  let url: string;

  before(async () => {
    db();
    await createAdminUser({ username: 'csrf_root', password: PASSWORD, role: 'super_admin' });
    app = await startAdminServer();
    url = app.server.url;
  });
  after(() => app.restore());

  const loggedIn = async (s: Session) => (await s.request('GET', '/admin/api/resources/system_configs/actions/list')).status === 200;

  it('refuses a login form posted from another site, by Origin or by fetch metadata', async () => {
    const before = await LoginLog.count({ where: { username: 'csrf_root' } });
    const forged: Array<Record<string, string>> = [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site' }, { referer: `${EVIL}/page` }, { origin: 'null' }];
    for (const headers of forged) {
      const s = new Session(url, headers);
      const res = await s.form('POST', '/admin/login', { email: 'csrf_root', password: PASSWORD });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(((await res.json()) as { reason: string }).reason, 'CROSS_SITE_REQUEST');
      assert.equal(await loggedIn(s), false);
    }
    assert.equal(await LoginLog.count({ where: { username: 'csrf_root' } }), before, 'no attempt reached the login');
    // Our own pages (the public address or the address in use) may post.
    assert.ok(await loggedIn(await Session.login(url, 'csrf_root', PASSWORD, { origin: url, 'sec-fetch-site': 'same-origin' })));
    assert.ok(await loggedIn(await Session.login(url, 'csrf_root', PASSWORD, { origin: 'http://localhost:3000' })));
  });

  it('refuses cross-site posts to the /auth pages and to admin actions of a logged-in admin', async () => {
    const forgot = await new Session(url, { origin: EVIL }).form('POST', '/auth/forgot', { email: 'someone@example.com' });
    assert.equal(forgot.status, 403);
    const register = await new Session(url, { 'sec-fetch-site': 'same-site' }).form('POST', '/auth/register', { username: 'x' });
    assert.equal(register.status, 403);

    const s = await Session.login(url, 'csrf_root', PASSWORD, { origin: url });
    const before = (await SystemConfig.findByPk('basic.site_name'))!.value;
    const res = await s.form('POST', '/admin/api/resources/system_configs/records/basic.site_name/updateSetting', { value: 'Owned' }, { origin: EVIL });
    assert.equal(res.status, 403);
    assert.deepEqual((await SystemConfig.findByPk('basic.site_name'))!.value, before);
  });

  it('sends frame-ancestors none and X-Frame-Options DENY on /admin and /auth', async () => {
    for (const path of ['/admin/login', '/auth/forgot', '/auth/register', '/admin']) {
      const res = await fetch(url + path, { redirect: 'manual' });
      assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'", path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    }
  });

  it('logs out with POST only: a GET (a link or image on another site) logs nobody out', async () => {
    const s = await Session.login(url, 'csrf_root', PASSWORD, { origin: url });
    const page = await s.request('GET', '/admin/logout');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post" action="\/admin\/logout">/);
    assert.ok(await loggedIn(s), 'GET /admin/logout did not log out');

    assert.equal((await s.request('POST', '/admin/logout', { headers: { origin: EVIL } })).status, 403);
    assert.ok(await loggedIn(s));

    const out = await s.request('POST', '/admin/logout');
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/admin/login');
    assert.equal(await loggedIn(s), false);
  });
});
