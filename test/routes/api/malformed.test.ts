import assert from 'node:assert/strict';
import { documentedRoutes } from '../../../server/routes/api/docs.js';
import { startWorld, type World } from '../../support/miniApi.js';

/**
 * Every /api endpoint, fed malformed input, answers a 4xx envelope — never a 500.
 * The table covers each documented route (the test fails when a route is added without a row).
 */
const UUID = '00000000-0000-4000-8000-000000000000';
type Case = { name: string; method: string; path: string; body?: unknown; raw?: string; auth?: boolean; expect?: number };

const CASES: Record<string, Case[]> = {
  'post /auth/wx-login': [
    { name: 'no body', method: 'POST', path: '/api/auth/wx-login' },
    { name: 'broken JSON', method: 'POST', path: '/api/auth/wx-login', raw: '{"code":' },
    { name: 'code not a string', method: 'POST', path: '/api/auth/wx-login', body: { code: 123 } },
    { name: 'code with spaces/symbols', method: 'POST', path: '/api/auth/wx-login', body: { code: 'a b;drop' } },
    { name: 'huge nickname', method: 'POST', path: '/api/auth/wx-login', body: { code: 'abc', nickname: 'x'.repeat(500) } },
    { name: 'bad avatar url', method: 'POST', path: '/api/auth/wx-login', body: { code: 'abc', avatarUrl: 'javascript:1' } },
    { name: 'array body', method: 'POST', path: '/api/auth/wx-login', raw: '[1,2]' },
  ],
  'post /auth/refresh': [
    { name: 'missing token', method: 'POST', path: '/api/auth/refresh', body: {} },
    { name: 'garbage token', method: 'POST', path: '/api/auth/refresh', body: { refreshToken: 'x'.repeat(40) }, expect: 401 },
  ],
  'get /user/me': [{ name: 'no token', method: 'GET', path: '/api/user/me', expect: 401 }],
  'patch /user/me': [
    { name: 'empty nickname', method: 'PATCH', path: '/api/user/me', body: { nickname: '' }, auth: true },
    { name: 'unknown field', method: 'PATCH', path: '/api/user/me', body: { nickname: 'a', totalPoints: 1e9 }, auth: true },
    { name: 'null body', method: 'PATCH', path: '/api/user/me', raw: 'null', auth: true },
  ],
  'get /packages': [{ name: 'junk query is ignored', method: 'GET', path: '/api/packages?page=-1&x[]=1', expect: 200 }],
  'post /orders': [
    { name: 'no package', method: 'POST', path: '/api/orders', body: {}, auth: true },
    { name: 'package not a uuid', method: 'POST', path: '/api/orders', body: { packageId: "1' OR 1=1" }, auth: true },
    { name: 'unknown package', method: 'POST', path: '/api/orders', body: { packageId: UUID }, auth: true, expect: 404 },
    { name: 'no token', method: 'POST', path: '/api/orders', body: { packageId: UUID }, expect: 401 },
  ],
  'get /orders': [
    { name: 'page 0', method: 'GET', path: '/api/orders?page=0', auth: true },
    { name: 'pageSize 1000', method: 'GET', path: '/api/orders?pageSize=1000', auth: true },
    { name: 'bad status', method: 'GET', path: '/api/orders?status=stolen', auth: true },
    { name: 'page not a number', method: 'GET', path: '/api/orders?page=abc', auth: true },
  ],
  'get /orders/:id': [
    { name: 'bad id', method: 'GET', path: '/api/orders/42', auth: true },
    { name: 'unknown id', method: 'GET', path: `/api/orders/${UUID}`, auth: true, expect: 404 },
  ],
  'post /orders/:id/pay': [{ name: 'bad id', method: 'POST', path: '/api/orders/..%2F..%2Fetc/pay', auth: true }],
  'get /orders/:id/status': [{ name: 'bad id', method: 'GET', path: '/api/orders/not-a-uuid/status', auth: true }],
  'post /orders/:id/cancel': [{ name: 'unknown id', method: 'POST', path: `/api/orders/${UUID}/cancel`, auth: true, expect: 404 }],
  'post /pay/wechat/notify': [
    { name: 'unsigned JSON', method: 'POST', path: '/api/pay/wechat/notify', body: { id: 'x' }, expect: 401 },
    { name: 'not JSON at all', method: 'POST', path: '/api/pay/wechat/notify', raw: '<xml>', expect: 401 },
  ],
  'get /points': [{ name: 'no token', method: 'GET', path: '/api/points', expect: 401 }],
  'get /points/records': [
    { name: 'bad type', method: 'GET', path: '/api/points/records?type=steal', auth: true },
    { name: 'page -1', method: 'GET', path: '/api/points/records?page=-1', auth: true },
  ],
  'post /redeem': [
    { name: 'empty code', method: 'POST', path: '/api/redeem', body: { code: '' }, auth: true },
    { name: 'code not a string', method: 'POST', path: '/api/redeem', body: { code: { $gt: '' } }, auth: true },
    { name: 'very long code', method: 'POST', path: '/api/redeem', body: { code: 'A'.repeat(5000) }, auth: true },
  ],
  'get /banners': [{ name: 'junk query is ignored', method: 'GET', path: '/api/banners?x=%00', expect: 200 }],
  'get /articles': [
    { name: 'bad kind', method: 'GET', path: '/api/articles?kind=service_status', },
    { name: 'pageSize 0', method: 'GET', path: '/api/articles?pageSize=0' },
  ],
  'get /articles/:id': [
    { name: 'id not a number', method: 'GET', path: '/api/articles/abc' },
    { name: 'id too large', method: 'GET', path: '/api/articles/99999999999' },
    { name: 'unknown id', method: 'GET', path: '/api/articles/424242', expect: 404 },
  ],
  'get /service-status': [{ name: 'junk query is ignored', method: 'GET', path: '/api/service-status?x=1', expect: 200 }],
  'get /v1/api-keys': [{ name: 'bad status filter', method: 'GET', path: '/api/v1/api-keys?status=nope', auth: true }],
  'get /v1/api-keys/apis': [{ name: 'no token', method: 'GET', path: '/api/v1/api-keys/apis', expect: 401 }],
  'post /v1/api-keys': [
    { name: 'bad validity', method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', validityMonths: 2 }, auth: true },
    { name: 'name too long', method: 'POST', path: '/api/v1/api-keys', body: { name: 'x'.repeat(21), validityMonths: 1 }, auth: true },
  ],
  'patch /v1/api-keys/:id': [{ name: 'bad id', method: 'PATCH', path: '/api/v1/api-keys/1', body: { enabled: true }, auth: true }],
  'delete /v1/api-keys/:id': [{ name: 'bad id', method: 'DELETE', path: '/api/v1/api-keys/1', auth: true }],
  'post /auth/logout': [
    { name: 'missing token', method: 'POST', path: '/api/auth/logout', body: {} },
    { name: 'garbage token', method: 'POST', path: '/api/auth/logout', body: { refreshToken: 'x'.repeat(40) }, expect: 401 },
  ],
  'get /user/settings': [{ name: 'no token', method: 'GET', path: '/api/user/settings', expect: 401 }],
  'patch /user/settings': [
    { name: 'not a boolean', method: 'PATCH', path: '/api/user/settings', body: { paymentReminder: 'yes' }, auth: true },
    { name: 'unknown field', method: 'PATCH', path: '/api/user/settings', body: { paymentReminder: true, totalPoints: 1 }, auth: true },
  ],
  'get /api-calls': [{ name: 'pageSize 1000', method: 'GET', path: '/api/api-calls?pageSize=1000', auth: true }],
  'get /articles/slug/:slug': [
    { name: 'bad slug', method: 'GET', path: '/api/articles/slug/..%2F..' },
    { name: 'unknown slug', method: 'GET', path: '/api/articles/slug/nothing-here', expect: 404 },
  ],
  'get /v1/api-keys/:id': [
    { name: 'bad id', method: 'GET', path: '/api/v1/api-keys/1', auth: true },
    { name: 'unknown id', method: 'GET', path: `/api/v1/api-keys/${UUID}`, auth: true, expect: 404 },
  ],
  'get /v1/api-keys/:id/stats': [{ name: 'unknown id', method: 'GET', path: `/api/v1/api-keys/${UUID}/stats`, auth: true, expect: 404 }],
  'put /v1/api-keys/:id/access': [
    { name: 'bad whitelist', method: 'PUT', path: `/api/v1/api-keys/${UUID}/access`, body: { ipWhitelist: ['1.2.3.4/99'] }, auth: true },
    { name: 'whitelist not an array', method: 'PUT', path: `/api/v1/api-keys/${UUID}/access`, body: { ipWhitelist: '1.2.3.4' }, auth: true },
    { name: 'scope contradiction', method: 'PUT', path: `/api/v1/api-keys/${UUID}/access`, body: { scopeAll: true, apiIds: [1] }, auth: true },
  ],
  'post /v1/api-keys/batch': [{ name: 'empty ids', method: 'POST', path: '/api/v1/api-keys/batch', body: { action: 'delete', ids: [] }, auth: true }],
};

describe('every /api endpoint rejects malformed input with a 4xx envelope', () => {
  let w: World;
  let token: string;
  before(async () => {
    w = await startWorld();
    token = (await w.api.login(w.sim)).token;
  });
  after(() => w.restore());

  it('has a row for every documented route', () => {
    const documented = documentedRoutes.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(Object.keys(CASES).sort(), documented);
  });

  for (const [route, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${route}: ${c.name}`, async () => {
        const answer = await w.api.call(c.method, c.path, { token: c.auth ? token : undefined, body: c.body, raw: c.raw });
        const expected = c.expect ?? 400;
        assert.equal(answer.status, expected, JSON.stringify(answer.body));
        if (expected >= 400) {
          assert.equal(answer.body.success ?? false, false);
          if (!route.includes('notify')) {
            assert.equal(typeof answer.body.code, 'number');
            assert.ok(answer.body.message, 'a message the user can read');
          }
        }
      });
    }
  }
});
