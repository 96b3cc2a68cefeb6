import assert from 'node:assert/strict';
import { Article, OperationLog } from '../../../server/models/index.js';
import { flushApiCallLog } from '../../../server/services/logs/apiCallLog.js';
import { charge, creditLots, newApi, newService, type ServiceCreds } from '../../support/apiKeys.js';
import { startWorld, type World } from '../../support/miniApi.js';

/** Server additions the mini-program pages need (issue 15): settings, recent calls, key detail/stats/access, pages by key. */
describe('mini-program page endpoints', () => {
  let w: World;
  let service: ServiceCreds;
  before(async () => {
    w = await startWorld();
    service = await newService();
  });
  after(() => w.restore());

  it('settings: the payment reminder is on by default, switched per user, validated', async () => {
    const a = await w.api.login(w.sim);
    const b = await w.api.login(w.sim);
    assert.deepEqual((await w.api.call('GET', '/api/user/settings', { token: a.token })).body.data, { paymentReminder: true, paymentReminderTemplateId: null });
    const off = await w.api.call('PATCH', '/api/user/settings', { token: a.token, body: { paymentReminder: false } });
    assert.equal(off.status, 200);
    assert.equal(off.body.data.paymentReminder, false);
    assert.equal((await w.api.call('GET', '/api/user/settings', { token: b.token })).body.data.paymentReminder, true, 'only the caller changed');
    for (const body of [{ paymentReminder: 'no' }, {}, { paymentReminder: true, extra: 1 }]) {
      assert.equal((await w.api.call('PATCH', '/api/user/settings', { token: a.token, body })).status, 400, JSON.stringify(body));
    }
    assert.equal((await w.api.call('GET', '/api/user/settings')).status, 401);
  });

  it('recent API calls: allowed and refused charges of the caller\'s keys, newest first, nobody else\'s', async () => {
    const me = await w.api.login(w.sim);
    const other = await w.api.login(w.sim);
    await creditLots(me.user.id, 3);
    const api = await newApi(2);
    const created = await w.api.call('POST', '/api/v1/api-keys', { token: me.token, body: { name: '调用测试', validityMonths: 1, ipWhitelist: ['10.0.0.0/8'] } });
    const key = created.body.data as { id: string; key: string; prefix: string };
    assert.equal((await charge(w.server.url, service, { apiKey: key.key, apiName: api.name, callerIp: '10.1.2.3', requestId: 'r1' })).body.data.decision, 'allow');
    assert.equal((await charge(w.server.url, service, { apiKey: key.key, apiName: api.name, callerIp: '192.168.1.1', requestId: 'r2' })).body.data.reason, 'IP_NOT_ALLOWED');
    assert.equal((await charge(w.server.url, service, { apiKey: key.key, apiName: api.name, callerIp: '10.1.2.3', requestId: 'r3' })).body.data.reason, 'INSUFFICIENT_POINTS');
    await flushApiCallLog();

    const calls = await w.api.call('GET', '/api/api-calls?pageSize=2', { token: me.token });
    assert.equal(calls.status, 200);
    assert.equal(calls.body.data.total, 3);
    assert.deepEqual(
      calls.body.data.items.map((c: any) => [c.apiName, c.keyName, c.keyPrefix, c.allowed, c.reason]),
      [
        [api.name, '调用测试', key.prefix, false, 'INSUFFICIENT_POINTS'],
        [api.name, '调用测试', key.prefix, false, 'IP_NOT_ALLOWED'],
      ],
    );
    const last = await w.api.call('GET', '/api/api-calls?page=2&pageSize=2', { token: me.token });
    assert.deepEqual(last.body.data.items.map((c: any) => [c.allowed, c.reason]), [[true, null]]);
    assert.equal((await w.api.call('GET', '/api/api-calls', { token: other.token })).body.data.total, 0);
  });

  it('key detail and 30-day statistics: charged calls and points per China day, own keys only', async () => {
    const me = await w.api.login(w.sim);
    const other = await w.api.login(w.sim);
    await creditLots(me.user.id, 100);
    const api = await newApi(3);
    const key = (await w.api.call('POST', '/api/v1/api-keys', { token: me.token, body: { name: '统计', validityMonths: 3 } })).body.data;
    for (const requestId of ['s1', 's2']) await charge(w.server.url, service, { apiKey: key.key, apiName: api.name, callerIp: '1.2.3.4', requestId });

    const detail = await w.api.call('GET', `/api/v1/api-keys/${key.id}`, { token: me.token });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.data.name, '统计');
    assert.equal(detail.body.data.callsToday, 2);
    assert.equal(detail.body.data.remainingPoints, 94);

    const stats = await w.api.call('GET', `/api/v1/api-keys/${key.id}/stats`, { token: me.token });
    assert.equal(stats.status, 200);
    const days = stats.body.data.days as Array<{ day: string; calls: number; points: number }>;
    assert.equal(days.length, 30);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    assert.deepEqual(days.at(-1), { day: today, calls: 2, points: 6 });
    assert.ok(days.slice(0, -1).every((d) => d.calls === 0 && d.points === 0));
    assert.equal(stats.body.data.totalPoints, 6);

    for (const path of [`/api/v1/api-keys/${key.id}`, `/api/v1/api-keys/${key.id}/stats`]) {
      assert.equal((await w.api.call('GET', path, { token: other.token })).status, 404, path);
    }
    assert.equal((await w.api.call('GET', '/api/v1/api-keys/not-a-uuid/stats', { token: me.token })).status, 400);
  });

  it('key access: scope and whitelist changed with the creation rules, audited, applied to the next charge', async () => {
    const me = await w.api.login(w.sim);
    const other = await w.api.login(w.sim);
    await creditLots(me.user.id, 100);
    const [a, b] = [await newApi(1), await newApi(1)];
    const key = (await w.api.call('POST', '/api/v1/api-keys', { token: me.token, body: { name: '权限', validityMonths: 1 } })).body.data;
    const chargeFrom = (ip: string, apiName: string, requestId: string) =>
      charge(w.server.url, service, { apiKey: key.key, apiName, callerIp: ip, requestId }).then((r) => r.body.data.reason ?? r.body.data.decision);

    const bad = await w.api.call('PUT', `/api/v1/api-keys/${key.id}/access`, { token: me.token, body: { ipWhitelist: ['10.0.0.0/33', 'nope'] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'INVALID_IP_WHITELIST');
    assert.equal((await w.api.call('PUT', `/api/v1/api-keys/${key.id}/access`, { token: other.token, body: { ipWhitelist: [] } })).status, 404);
    assert.equal(await chargeFrom('8.8.8.8', b.name, 'a0'), 'allow', 'nothing changed by the refusals');

    const set = await w.api.call('PUT', `/api/v1/api-keys/${key.id}/access`, {
      token: me.token,
      body: { scopeAll: false, apiIds: [a.id], ipWhitelist: ['10.0.0.0/8', '2001:db8::/32'] },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.data, { id: key.id, scopeAll: false, apiIds: [a.id], ipWhitelist: ['10.0.0.0/8', '2001:db8::/32'] });
    assert.equal(await chargeFrom('10.9.9.9', a.name, 'a1'), 'allow');
    assert.equal(await chargeFrom('10.9.9.9', b.name, 'a2'), 'API_NOT_IN_SCOPE');
    assert.equal(await chargeFrom('8.8.8.8', a.name, 'a3'), 'IP_NOT_ALLOWED');
    const listed = (await w.api.call('GET', `/api/v1/api-keys/${key.id}`, { token: me.token })).body.data;
    assert.deepEqual([listed.scopeAll, listed.apis.map((x: any) => x.id), listed.ipWhitelist], [false, [a.id], ['10.0.0.0/8', '2001:db8::/32']]);
    assert.equal(await OperationLog.count({ where: { action: 'api_key.access', recordId: key.id } }), 1);
  });

  it('articles by page key (关于我们, 用户协议): published ones only', async () => {
    const created = [
      await Article.create({ kind: 'article', slug: 'about', title: '关于我们', content: '海马 API 积分', status: 'published', publishedAt: new Date(Date.now() - 1000) }),
      await Article.create({ kind: 'article', slug: 'agreement', title: '用户协议', content: '草稿', status: 'draft' }),
    ];
    try {
      const about = await w.api.call('GET', '/api/articles/slug/about');
      assert.equal(about.status, 200);
      assert.equal(about.body.data.content, '海马 API 积分');
      assert.equal((await w.api.call('GET', '/api/articles/slug/agreement')).status, 404);
      assert.equal((await w.api.call('GET', '/api/articles/slug/Not_Valid')).status, 400);
    } finally {
      for (const article of created) await article.destroy();
    }
  });
});
