import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { config } from '../../../server/config.js';
import { MiniUser } from '../../../server/models/index.js';
import { setMiniUserStatus } from '../../../server/services/miniUsers/index.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { startWorld, type World } from '../../support/miniApi.js';

describe('mini-program login (WeChat code → our tokens)', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.restore());

  it('creates a new user on first login and returns access + refresh tokens', async () => {
    const code = w.sim.issueCode('o_new_user_1');
    const { status, body } = await w.api.call('POST', '/api/auth/wx-login', { body: { code, nickname: '小海马', avatarUrl: 'https://img.example/a.png' } });
    assert.equal(status, 200);
    assert.equal(body.success, true);
    assert.equal(body.code, 0);
    assert.equal(body.data.isNew, true);
    assert.equal(body.data.user.nickname, '小海马');
    assert.equal(body.data.user.phoneBound, false);
    assert.equal('openid' in body.data.user, false, 'the openid is never shown');
    const me = await w.api.call('GET', '/api/user/me', { token: body.data.tokens.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.id, body.data.user.id);
  });

  it('finds the returning user (same openid → same account), keeping the nickname when none is sent', async () => {
    const first = await w.api.login(w.sim, 'o_returning', '老用户');
    const again = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode('o_returning') } });
    assert.equal(again.status, 200);
    assert.equal(again.body.data.isNew, false);
    assert.equal(again.body.data.user.id, first.user.id);
    assert.equal(again.body.data.user.nickname, '老用户');
    assert.equal(await MiniUser.count({ where: { openid: 'o_returning' } }), 1);
  });

  it('refuses an invalid or already used code with a 4xx envelope', async () => {
    const bad = await w.api.call('POST', '/api/auth/wx-login', { body: { code: 'never_issued' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 2410);
    const code = w.sim.issueCode('o_once');
    assert.equal((await w.api.call('POST', '/api/auth/wx-login', { body: { code } })).status, 200);
    const reused = await w.api.call('POST', '/api/auth/wx-login', { body: { code } });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.reason, 'WX_CODE_INVALID');
  });

  it('retries when WeChat answers "system busy" (-1)', async () => {
    w.sim.inject('jscode2session', { kind: 'fail', status: 200, body: { errcode: -1, errmsg: 'system error' } }, 2);
    const { status, body } = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode('o_busy') } });
    assert.equal(status, 200, JSON.stringify(body));
    w.sim.inject('jscode2session', { kind: 'fail', status: 200, body: { errcode: -1, errmsg: 'system error' } }, 3);
    const down = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode('o_busy') } });
    assert.equal(down.status, 502);
    assert.equal(down.body.code, 2502);
  });

  it('maps rate limiting and high-risk users to clear refusals', async () => {
    w.sim.inject('jscode2session', { kind: 'fail', status: 200, body: { errcode: 45011, errmsg: 'api minute-quota reach limit' } });
    assert.equal((await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode('o_rl') } })).status, 429);
    w.sim.inject('jscode2session', { kind: 'fail', status: 200, body: { errcode: 40226, errmsg: 'high risk' } });
    assert.equal((await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode('o_risk') } })).status, 403);
  });

  it('refreshes tokens; an access token cannot be used as a refresh token', async () => {
    const { token, refresh } = await w.api.login(w.sim);
    const renewed = await w.api.call('POST', '/api/auth/refresh', { body: { refreshToken: refresh } });
    assert.equal(renewed.status, 200);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: renewed.body.data.accessToken })).status, 200);
    const misuse = await w.api.call('POST', '/api/auth/refresh', { body: { refreshToken: token } });
    assert.equal(misuse.status, 401);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: refresh })).status, 401, 'a refresh token is not an access token');
  });

  it('answers 401 (log in again) for a missing, forged or expired token', async () => {
    const { user } = await w.api.login(w.sim);
    assert.equal((await w.api.call('GET', '/api/user/me')).status, 401);
    assert.equal((await w.api.call('GET', '/api/user/me', { token: 'a.b.c' })).status, 401);
    const secret = new TextEncoder().encode(config().JWT_SECRET);
    const expired = await new SignJWT({ tv: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('seahorse')
      .setAudience('seahorse-mini')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(secret);
    const answer = await w.api.call('GET', '/api/user/me', { token: expired });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.reason, 'TOKEN_EXPIRED');
    const forged = await new SignJWT({ tv: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('seahorse')
      .setAudience('seahorse-mini')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    assert.equal((await w.api.call('GET', '/api/user/me', { token: forged })).status, 401);
  });

  it('a frozen user is refused at once: old tokens die (401), a new login gets 403', async () => {
    const admin = await createAdminUser({ username: 'freezer_admin', password: 'abcd1234', role: 'super_admin' });
    const { token, refresh, user, openid } = await w.api.login(w.sim);
    await setMiniUserStatus({ userId: user.id, frozen: true, actor: { id: admin.id, role: 'super_admin' } });
    assert.equal((await w.api.call('GET', '/api/user/me', { token })).status, 401);
    assert.equal((await w.api.call('POST', '/api/auth/refresh', { body: { refreshToken: refresh } })).status, 401);
    const relogin = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(openid) } });
    assert.equal(relogin.status, 403);
    assert.equal(relogin.body.code, 2403);
    await setMiniUserStatus({ userId: user.id, frozen: false, actor: { id: admin.id, role: 'super_admin' } });
    assert.equal((await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(openid) } })).status, 200);
  });

  it('lets the user change the nickname (validated)', async () => {
    const { token } = await w.api.login(w.sim);
    const changed = await w.api.call('PATCH', '/api/user/me', { token, body: { nickname: '  新昵称 ' } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.data.nickname, '新昵称');
    assert.equal((await w.api.call('PATCH', '/api/user/me', { token, body: { nickname: '' } })).status, 400);
    assert.equal((await w.api.call('PATCH', '/api/user/me', { token, body: { nickname: 'x'.repeat(65) } })).status, 400);
  });
});

describe('login is throttled per IP', () => {
  let w: World;
  before(async () => {
    w = await startWorld({ MINI_LOGIN_PER_IP_PER_MINUTE: '3' });
  });
  after(() => w.restore());

  it('answers 429 once the per-minute allowance is used', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(`o_rate_${i}`) } })).status);
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.deepEqual(statuses.slice(3), [429, 429]);
  });
});
