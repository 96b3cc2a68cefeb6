import assert from 'node:assert/strict';
import { startWorld, type World } from '../support/miniApi.js';

/** Issue 11 item 10: refresh tokens rotate, reuse revokes the login, logout works, user URLs are https. */
describe('security: mini-program refresh tokens and user-supplied URLs', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.restore());

  const refresh = (refreshToken: string) => w.api.call('POST', '/api/auth/refresh', { body: { refreshToken } });
  const me = (token: string) => w.api.call('GET', '/api/user/me', { token });

  it('a refresh token works once: the second use is refused and the whole login is revoked', async () => {
    const first = await w.api.login(w.sim);
    const rotated = await refresh(first.refresh);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.notEqual(rotated.body.data.refreshToken, first.refresh);

    const replay = await refresh(first.refresh);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.reason, 'REFRESH_TOKEN_REUSED');

    // The family is gone: the legitimate successor and every access token of that login die too.
    const successor = await refresh(rotated.body.data.refreshToken);
    assert.equal(successor.status, 401);
    assert.equal(successor.body.reason, 'TOKEN_REVOKED');
    assert.equal((await me(rotated.body.data.accessToken)).status, 401);
    assert.equal((await me(first.token)).status, 401);

    // Another login of the same person is untouched, and logging in again works.
    const again = await w.api.login(w.sim, first.openid);
    assert.equal((await me(again.token)).status, 200);
  });

  it('two refreshes with one token at the same moment: exactly one succeeds and the login is revoked', async () => {
    const { refresh: token } = await w.api.login(w.sim);
    const answers = await Promise.all([refresh(token), refresh(token)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401]);
    const winner = answers.find((a) => a.status === 200)!;
    assert.equal((await me(winner.body.data.accessToken)).status, 401, 'the reuse revoked the winner too');
  });

  it('logout revokes the refresh token and the access tokens of that login', async () => {
    const other = await w.api.login(w.sim);
    const { token, refresh: refreshToken } = await w.api.login(w.sim, other.openid);
    const out = await w.api.call('POST', '/api/auth/logout', { body: { refreshToken } });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.equal(out.body.data.loggedOut, true);

    const after = await refresh(refreshToken);
    assert.equal(after.status, 401);
    assert.equal(after.body.reason, 'TOKEN_REVOKED');
    assert.equal((await me(token)).status, 401);
    assert.equal((await me(other.token)).status, 200, 'the same user logged in elsewhere stays logged in');
    assert.equal((await w.api.call('POST', '/api/auth/logout', { body: { refreshToken } })).status, 200, 'logging out twice is harmless');
    assert.equal((await w.api.call('POST', '/api/auth/logout', { body: { refreshToken: 'x'.repeat(40) } })).status, 401);
  });

  for (const avatarUrl of ['http://img.example.com/a.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'https://127.0.0.1/a.png', 'file:///etc/passwd']) {
    it(`refuses avatarUrl ${avatarUrl.slice(0, 24)} with a clear 400, creating no user`, async () => {
      const openid = `o_url_${Math.random().toString(36).slice(2)}`;
      const answer = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(openid), avatarUrl } });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.success, false);
      assert.match(answer.body.message, /https/);
      const retry = await w.api.call('POST', '/api/auth/wx-login', { body: { code: w.sim.issueCode(openid) } });
      assert.equal(retry.body.data.isNew, true, 'the refused login wrote nothing');
    });
  }

  it('accepts an https avatar', async () => {
    const answer = await w.api.call('POST', '/api/auth/wx-login', {
      body: { code: w.sim.issueCode(`o_url_ok_${Date.now()}`), avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/abc/132' },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.data.user.avatarUrl, 'https://thirdwx.qlogo.cn/mmopen/abc/132');
  });
});
