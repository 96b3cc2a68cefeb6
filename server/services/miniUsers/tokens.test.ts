import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { MiniUser } from '../../models/index.js';
import { logout, refreshTokens } from './refreshTokens.js';
import { userFromToken } from './miniUserStatus.js';
import { issueTokens } from './tokens.js';
import { assertHttpsUrl } from './userUrls.js';

const reason = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return `${err.status} ${err.reason}`;
  }
  return 'accepted';
};

describe('miniUsers: token families', () => {
  const newUser = () => MiniUser.create({ openid: `o_unit_${randomUUID()}` });
  const families = async (userId: string) =>
    db().query<{ revoked_reason: string | null; tokens: number }>(
      `SELECT f.revoked_reason, (SELECT count(*)::int FROM mini_refresh_tokens r WHERE r.family_id = f.id) AS tokens
         FROM mini_token_families f WHERE f.user_id = :userId ORDER BY f.created_at`,
      { replacements: { userId }, type: QueryTypes.SELECT },
    );

  it('a login is one family; each rotation adds its successor and marks the old token used', async () => {
    const user = await newUser();
    const first = await issueTokens(user);
    const second = await refreshTokens(first.refreshToken);
    await refreshTokens(second.refreshToken);
    assert.deepEqual(await families(user.id), [{ revoked_reason: null, tokens: 3 }]);
    const [used] = await db().query<{ used: number }>(
      `SELECT count(*)::int AS used FROM mini_refresh_tokens r JOIN mini_token_families f ON f.id = r.family_id WHERE f.user_id = :id AND r.used_at IS NOT NULL`,
      { replacements: { id: user.id }, type: QueryTypes.SELECT },
    );
    assert.equal(used!.used, 2);
  });

  it('reuse revokes the family (committed despite the refusal); other families live on', async () => {
    const user = await newUser();
    const stolen = await issueTokens(user);
    const other = await issueTokens(user);
    const next = await refreshTokens(stolen.refreshToken);
    assert.equal(await reason(refreshTokens(stolen.refreshToken)), '401 REFRESH_TOKEN_REUSED');
    assert.deepEqual((await families(user.id)).map((f) => f.revoked_reason), ['reuse', null]);
    assert.equal(await reason(userFromToken(next.accessToken)), '401 TOKEN_REVOKED');
    assert.equal((await userFromToken(other.accessToken)).id, user.id);
  });

  it('logout revokes its family only; an access token is not a refresh token', async () => {
    const user = await newUser();
    const a = await issueTokens(user);
    const b = await issueTokens(user);
    assert.equal(await reason(logout(a.accessToken)), '401 TOKEN_INVALID');
    await logout(a.refreshToken);
    assert.deepEqual((await families(user.id)).map((f) => f.revoked_reason), ['logout', null]);
    assert.equal(await reason(refreshTokens(a.refreshToken)), '401 TOKEN_REVOKED');
    assert.equal((await userFromToken(b.accessToken)).id, user.id);
  });

  it('a new login deletes the user\'s families that can no longer be used', async () => {
    const user = await newUser();
    await issueTokens(user);
    await db().query('UPDATE mini_token_families SET expires_at = now() - interval \'1 minute\' WHERE user_id = :id', { replacements: { id: user.id } });
    await issueTokens(user);
    assert.equal((await families(user.id)).length, 1);
  });
});

describe('miniUsers: user-supplied URLs', () => {
  it('accepts https host names only', () => {
    assert.equal(assertHttpsUrl(' https://thirdwx.qlogo.cn/mmopen/x/132 ', 'avatarUrl'), 'https://thirdwx.qlogo.cn/mmopen/x/132');
    for (const bad of ['http://a.example.com/x', 'javascript:alert(1)', 'data:text/html,x', 'https://10.0.0.1/x', 'https://[::1]/x', '//a.example.com/x', `https://a.example.com/${'x'.repeat(1100)}`]) {
      assert.throws(() => assertHttpsUrl(bad, 'avatarUrl'), (err: unknown) => err instanceof AppError && err.status === 400 && err.reason === 'URL_NOT_HTTPS', bad);
    }
  });
});
