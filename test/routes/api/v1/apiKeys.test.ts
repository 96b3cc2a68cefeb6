import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../../../server/db/index.js';
import { ApiKey, MiniUser, OperationLog } from '../../../../server/models/index.js';
import { addMonths } from '../../../../server/services/apiKeys/createApiKey.js';
import { isWellFormedApiKey } from '../../../../server/services/apiKeys/keyFormat.js';
import { flushKeyUsage } from '../../../../server/services/apiKeys/usage.js';
import { issueTokens } from '../../../../server/services/miniUsers/index.js';
import { startTestServer, type TestServer } from '../../../support/http.js';
import { charge, creditLots, newApi, newMiniUser, newService, type ServiceCreds } from '../../../support/apiKeys.js';

interface Answer {
  status: number;
  body: { success: boolean; code: number; reason?: string; message: string; data: any };
}

describe('/api/v1/api-keys', () => {
  let server: TestServer;
  let service: ServiceCreds;

  before(async () => {
    server = await startTestServer();
    service = await newService();
  });
  after(() => server.close());

  async function tokenFor(userId: string): Promise<string> {
    const user = await MiniUser.findByPk(userId);
    return (await issueTokens({ id: user!.id, tokenVersion: user!.tokenVersion })).accessToken;
  }

  async function call(token: string | null, method: string, path: string, body?: unknown, raw?: string): Promise<Answer> {
    const res = await fetch(`${server.url}/api/v1/api-keys${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  }

  async function userWithToken(points = 100): Promise<{ userId: string; token: string }> {
    const userId = await newMiniUser(points);
    return { userId, token: await tokenFor(userId) };
  }

  it('returns the full key once at creation; the list never shows it and the database holds only its hash', async () => {
    const { userId, token } = await userWithToken();
    const created = await call(token, 'POST', '', { name: '我的第一个Key', validityMonths: 3 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const key: string = created.body.data.key;
    assert.ok(key.startsWith('sh_live_') && isWellFormedApiKey(key));
    assert.ok(key.startsWith(created.body.data.prefix));
    assert.ok(created.body.data.prefix.length < key.length / 2);

    const list = await call(token, 'GET', '');
    assert.equal(list.status, 200);
    assert.equal(list.body.data.total, 1);
    const item = list.body.data.items[0];
    assert.equal(item.id, created.body.data.id);
    assert.equal(item.prefix, created.body.data.prefix);
    assert.equal(item.key, undefined);
    const body = JSON.stringify(list.body).toLowerCase();
    const hash = createHash('sha256').update(key).digest('hex');
    assert.ok(!body.includes(key.toLowerCase()) && !body.includes(hash), 'list leaks the key or its hash');

    const row = await ApiKey.findByPk(created.body.data.id);
    assert.equal(row!.keyHash, hash);
    const secretPart = key.slice(created.body.data.prefix.length);
    for (const table of ['meta_auth_key', 'operation_logs', 'purchase_record']) {
      const [hit] = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} t WHERE to_jsonb(t)::text LIKE :needle`, {
        replacements: { needle: `%${secretPart}%` },
        type: QueryTypes.SELECT,
      });
      assert.equal(hit!.n, 0, `${table} holds the key's secret part`);
    }
    const audit = await OperationLog.findOne({ where: { action: 'api_key.create', recordId: created.body.data.id } });
    assert.equal(audit!.actorId, null);
    assert.equal((audit!.after as { miniUserId: string }).miniUserId, userId);
  });

  it('sets the expiry from each validity (1, 3, 6, 12 months) and refuses any other', async () => {
    const { token } = await userWithToken();
    for (const months of [1, 3, 6, 12]) {
      const res = await call(token, 'POST', '', { name: `v${months}`, validityMonths: months });
      assert.equal(res.status, 201);
      const expected = addMonths(new Date(res.body.data.createdAt), months).getTime();
      assert.ok(Math.abs(new Date(res.body.data.expiresAt).getTime() - expected) < 5000, `validity ${months}`);
    }
    for (const months of [0, 2, 24, '3', null, 1.5]) {
      const res = await call(token, 'POST', '', { name: 'bad', validityMonths: months });
      assert.equal(res.status, 400, String(months));
    }
    assert.equal(addMonths(new Date('2027-01-31T10:00:00Z'), 1).toISOString(), '2027-02-28T10:00:00.000Z');
    assert.equal(addMonths(new Date('2027-11-30T00:00:00Z'), 3).toISOString(), '2028-02-29T00:00:00.000Z');
  });

  it('an expired key is listed as expired and refused by metering', async () => {
    const { token } = await userWithToken();
    const api = await newApi(1);
    const created = await call(token, 'POST', '', { name: 'old', validityMonths: 1 });
    await ApiKey.update({ expiresAt: new Date(Date.now() - 60_000) }, { where: { id: created.body.data.id } });
    const list = await call(token, 'GET', '');
    assert.equal(list.body.data.items[0].status, 'expired');
    const res = await charge(server.url, service, { apiKey: created.body.data.key, apiName: api.name, callerIp: '10.0.0.1' });
    assert.equal(res.body.data.reason, 'KEY_EXPIRED');
  });

  it('scopes a key to chosen catalog entries; unknown or disabled entries are refused at creation', async () => {
    const { token } = await userWithToken();
    const [a, b, off] = [await newApi(1), await newApi(1), await newApi(1)];
    await off.update({ status: 0 });
    const created = await call(token, 'POST', '', { name: 'scoped', validityMonths: 1, apiIds: [a.id] });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.scopeAll, false);
    const listed = (await call(token, 'GET', '')).body.data.items[0];
    assert.deepEqual(listed.apis, [{ id: a.id, name: a.name }]);
    const key = created.body.data.key;
    assert.equal((await charge(server.url, service, { apiKey: key, apiName: a.name, callerIp: '10.0.0.1' })).body.data.decision, 'allow');
    assert.equal((await charge(server.url, service, { apiKey: key, apiName: b.name, callerIp: '10.0.0.1' })).body.data.reason, 'API_NOT_IN_SCOPE');

    const all = await call(token, 'POST', '', { name: 'all', validityMonths: 1, scopeAll: true });
    assert.equal((await charge(server.url, service, { apiKey: all.body.data.key, apiName: b.name, callerIp: '10.0.0.1' })).body.data.decision, 'allow');

    for (const body of [
      { apiIds: [999_999] },
      { apiIds: [off.id] },
      { scopeAll: true, apiIds: [a.id] },
      { scopeAll: false },
      { scopeAll: false, apiIds: [] },
    ]) {
      const res = await call(token, 'POST', '', { name: 'x', validityMonths: 1, ...body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.success, false);
    }
  });

  it('enforces IPv4, IPv6 and CIDR whitelists, and rejects malformed entries at creation', async () => {
    const { token } = await userWithToken(1000);
    const api = await newApi(1);
    const created = await call(token, 'POST', '', {
      name: 'wl',
      validityMonths: 1,
      ipWhitelist: ['203.0.113.5', '198.51.100.0/24', '2001:db8::1', '2001:db8:abcd::/48', ' 192.0.2.1 '],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.data.ipWhitelist, ['203.0.113.5', '198.51.100.0/24', '2001:db8::1', '2001:db8:abcd::/48', '192.0.2.1']);
    const cases: Array<[string, 'allow' | 'IP_NOT_ALLOWED']> = [
      ['203.0.113.5', 'allow'],
      ['203.0.113.6', 'IP_NOT_ALLOWED'],
      ['198.51.100.250', 'allow'],
      ['198.51.101.1', 'IP_NOT_ALLOWED'],
      ['::ffff:198.51.100.7', 'allow'],
      ['2001:db8::1', 'allow'],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', 'allow'],
      ['2001:db8::2', 'IP_NOT_ALLOWED'],
      ['2001:db8:abcd:12::9', 'allow'],
      ['2001:db8:abce::1', 'IP_NOT_ALLOWED'],
      ['192.0.2.1', 'allow'],
    ];
    for (const [ip, expected] of cases) {
      const res = await charge(server.url, service, { apiKey: created.body.data.key, apiName: api.name, callerIp: ip });
      assert.equal(res.body.data.decision === 'allow' ? 'allow' : res.body.data.reason, expected, ip);
    }

    for (const bad of ['1.2.3', '256.1.1.1', '10.0.0.0/33', '2001:db8::/129', 'fe80::1%eth0', 'example.com', '10.0.0.1/', '/24', '10.0.0.1/-1', '', '01.2.3.4', '::1/abc']) {
      const res = await call(token, 'POST', '', { name: 'bad', validityMonths: 1, ipWhitelist: ['10.0.0.1', bad] });
      assert.equal(res.status, 400, `accepted ${JSON.stringify(bad)}`);
      assert.equal(res.body.reason, 'INVALID_IP_WHITELIST', bad);
    }
    const tooMany = await call(token, 'POST', '', { name: 'bad', validityMonths: 1, ipWhitelist: Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`) });
    assert.equal(tooMany.status, 400);
  });

  it('lists with status, remaining points, calls today and last use; sorts by last use; filters and paginates', async () => {
    const { userId, token } = await userWithToken(10);
    const api = await newApi(2);
    const mk = async (name: string) => (await call(token, 'POST', '', { name, validityMonths: 1 })).body.data;
    const never = await mk('never used');
    const older = await mk('用过_a%');
    const recent = await mk('recent');
    const disabled = await mk('disabled');
    for (const k of [older, recent, recent]) {
      assert.equal((await charge(server.url, service, { apiKey: k.key, apiName: api.name, callerIp: '10.0.0.1' })).body.data.decision, 'allow');
    }
    await call(token, 'PATCH', `/${disabled.id}`, { enabled: false });

    const list = (await call(token, 'GET', '')).body.data;
    assert.deepEqual(list.items.map((i: { name: string }) => i.name).slice(0, 2), ['recent', '用过_a%']);
    const byName = Object.fromEntries(list.items.map((i: { name: string }) => [i.name, i]));
    assert.equal(byName['recent'].callsToday, 2);
    assert.equal(byName['用过_a%'].callsToday, 1);
    assert.equal(byName['never used'].callsToday, 0);
    assert.equal(byName['never used'].lastUsedAt, null);
    assert.ok(byName['recent'].lastUsedAt);
    assert.equal(byName['recent'].remainingPoints, 4);
    assert.equal(byName['disabled'].status, 'disabled');
    assert.equal(byName['disabled'].enabled, false);
    assert.equal(byName['recent'].status, 'active');

    // The worker's flush copies the counters into the rows; the list shows the same figures.
    await flushKeyUsage();
    const row = await ApiKey.findByPk(recent.id);
    assert.equal(row!.callsToday, 2);
    assert.ok(row!.lastUsedAt);
    await flushKeyUsage();
    assert.equal((await ApiKey.findByPk(recent.id))!.callsToday, 2, 'flushing twice does not double count');
    assert.equal((await call(token, 'GET', '')).body.data.items[0].callsToday, 2);

    const filtered = async (q: string) => (await call(token, 'GET', q)).body.data;
    assert.deepEqual((await filtered('?status=disabled')).items.map((i: { id: string }) => i.id), [disabled.id]);
    assert.equal((await filtered('?status=active')).total, 3);
    assert.deepEqual((await filtered(`?name=${encodeURIComponent('_a%')}`)).items.map((i: { id: string }) => i.id), [older.id]);
    assert.equal((await filtered('?name=RECENT')).total, 1);
    const page2 = await filtered('?page=2&pageSize=3');
    assert.deepEqual({ total: page2.total, page: page2.page, pageSize: page2.pageSize, n: page2.items.length }, { total: 4, page: 2, pageSize: 3, n: 1 });
    assert.equal(page2.items[0].id, never.id);

    // Spend the rest: every enabled key of the user is now out of points.
    await charge(server.url, service, { apiKey: recent.key, apiName: api.name, callerIp: '10.0.0.1' });
    await charge(server.url, service, { apiKey: recent.key, apiName: api.name, callerIp: '10.0.0.1' });
    const drained = await filtered('?status=out_of_points');
    assert.equal(drained.total, 3);
    assert.ok(drained.items.every((i: { remainingPoints: number }) => i.remainingPoints === 0));
    await creditLots(userId, 5);
    assert.equal((await filtered('?status=active')).total, 3);
  });

  it('enables, disables, renames and deletes only the caller’s own keys, with audit rows; batch is all or nothing', async () => {
    const alice = await userWithToken();
    const bob = await userWithToken();
    const api = await newApi(1);
    const mk = async (t: string, name: string) => (await call(t, 'POST', '', { name, validityMonths: 1 })).body.data;
    const [a1, a2, a3] = [await mk(alice.token, 'a1'), await mk(alice.token, 'a2'), await mk(alice.token, 'a3')];
    const b1 = await mk(bob.token, 'b1');

    assert.equal((await call(bob.token, 'PATCH', `/${a1.id}`, { enabled: false })).status, 404);
    assert.equal((await call(bob.token, 'DELETE', `/${a1.id}`)).status, 404);
    const mixed = await call(alice.token, 'POST', '/batch', { action: 'disable', ids: [a1.id, b1.id] });
    assert.equal(mixed.status, 404);
    assert.equal((await ApiKey.findByPk(a1.id))!.status, 1, 'nothing changed by a refused batch');

    const renamed = await call(alice.token, 'PATCH', `/${a1.id}`, { name: '新名字' });
    assert.deepEqual(renamed.body.data, { id: a1.id, name: '新名字', enabled: true });
    const both = await call(alice.token, 'PATCH', `/${a3.id}`, { name: 'a3 停用', enabled: false });
    assert.deepEqual(both.body.data, { id: a3.id, name: 'a3 停用', enabled: false });
    assert.equal((await call(alice.token, 'PATCH', `/${a3.id}`, { enabled: true })).body.data.enabled, true);

    const disabled = await call(alice.token, 'POST', '/batch', { action: 'disable', ids: [a1.id, a2.id] });
    assert.deepEqual(disabled.body.data, { action: 'disable', changed: 2 });
    assert.equal((await charge(server.url, service, { apiKey: a1.key, apiName: api.name, callerIp: '10.0.0.1' })).body.data.reason, 'KEY_DISABLED');
    assert.equal((await call(alice.token, 'PATCH', `/${a1.id}`, { enabled: true })).status, 200);
    assert.equal((await charge(server.url, service, { apiKey: a1.key, apiName: api.name, callerIp: '10.0.0.1' })).body.data.decision, 'allow');

    const deleted = await call(alice.token, 'POST', '/batch', { action: 'delete', ids: [a2.id, a3.id] });
    assert.deepEqual(deleted.body.data, { action: 'delete', deleted: 2 });
    assert.equal((await call(alice.token, 'DELETE', `/${a1.id}`)).status, 200);
    assert.equal((await call(alice.token, 'DELETE', `/${a1.id}`)).status, 404, 'a deleted key is gone');
    assert.equal((await call(alice.token, 'GET', '')).body.data.total, 0);
    assert.equal((await charge(server.url, service, { apiKey: a3.key, apiName: api.name, callerIp: '10.0.0.1' })).body.data.reason, 'KEY_NOT_FOUND');
    assert.equal((await call(bob.token, 'GET', '')).body.data.total, 1);

    const actions = await OperationLog.findAll({ where: { resource: 'meta_auth_key', recordId: [a1.id, a2.id, a3.id] }, order: [['id', 'ASC']] });
    const byKey = (id: string) => actions.filter((l) => l.recordId === id).map((l) => l.action);
    assert.deepEqual(byKey(a1.id), ['api_key.create', 'api_key.rename', 'api_key.disable', 'api_key.enable', 'api_key.delete']);
    assert.deepEqual(byKey(a2.id), ['api_key.create', 'api_key.disable', 'api_key.delete']);
    assert.deepEqual(byKey(a3.id), ['api_key.create', 'api_key.rename', 'api_key.disable', 'api_key.enable', 'api_key.delete']);
    assert.ok(actions.every((l) => l.ip && (l.after ?? l.before) && JSON.stringify(l.after ?? l.before).includes(alice.userId)));
  });

  it('needs a valid mini-program token', async () => {
    for (const token of [null, 'garbage', 'a.b.c']) {
      const res = await call(token, 'GET', '');
      assert.equal(res.status, 401);
      assert.equal(res.body.success, false);
    }
  });

  it('rejects malformed input on every endpoint with a 4xx envelope, never a 500', async () => {
    const { token } = await userWithToken();
    const id = (await call(token, 'POST', '', { name: 'k', validityMonths: 1 })).body.data.id;
    const long = 'x'.repeat(21);
    const cases: Array<[string, string, string, unknown?, string?]> = [
      ['list: page 0', 'GET', '?page=0'],
      ['list: pageSize 1000', 'GET', '?pageSize=1000'],
      ['list: page text', 'GET', '?page=abc'],
      ['list: bad status', 'GET', '?status=deleted'],
      ['list: long name', 'GET', `?name=${long}`],
      ['create: bad json', 'POST', '', undefined, '{"name":'],
      ['create: array', 'POST', '', []],
      ['create: no name', 'POST', '', { validityMonths: 1 }],
      ['create: blank name', 'POST', '', { name: '   ', validityMonths: 1 }],
      ['create: long name', 'POST', '', { name: long, validityMonths: 1 }],
      ['create: control char', 'POST', '', { name: 'a\u0000b', validityMonths: 1 }],
      ['create: name number', 'POST', '', { name: 12, validityMonths: 1 }],
      ['create: unknown field', 'POST', '', { name: 'a', validityMonths: 1, userId: randomUUID() }],
      ['create: apiIds strings', 'POST', '', { name: 'a', validityMonths: 1, apiIds: ['1'] }],
      ['create: apiIds negative', 'POST', '', { name: 'a', validityMonths: 1, apiIds: [-1] }],
      ['create: apiIds huge', 'POST', '', { name: 'a', validityMonths: 1, apiIds: [2 ** 40] }],
      ['create: whitelist string', 'POST', '', { name: 'a', validityMonths: 1, ipWhitelist: '10.0.0.1' }],
      ['create: whitelist numbers', 'POST', '', { name: 'a', validityMonths: 1, ipWhitelist: [10] }],
      ['create: whitelist long entry', 'POST', '', { name: 'a', validityMonths: 1, ipWhitelist: ['1'.repeat(100)] }],
      ['create: null body', 'POST', '', undefined, 'null'],
      ['patch: bad id', 'PATCH', '/not-a-uuid', { enabled: false }],
      ['patch: unknown id', 'PATCH', `/${randomUUID()}`, { enabled: false }],
      ['patch: empty', 'PATCH', `/${id}`, {}],
      ['patch: enabled string', 'PATCH', `/${id}`, { enabled: 'no' }],
      ['patch: long name', 'PATCH', `/${id}`, { name: long }],
      ['delete: bad id', 'DELETE', '/123'],
      ['delete: unknown id', 'DELETE', `/${randomUUID()}`],
      ['batch: bad action', 'POST', '/batch', { action: 'purge', ids: [id] }],
      ['batch: no ids', 'POST', '/batch', { action: 'disable', ids: [] }],
      ['batch: bad ids', 'POST', '/batch', { action: 'disable', ids: ['x'] }],
      ['batch: too many', 'POST', '/batch', { action: 'disable', ids: Array.from({ length: 101 }, () => randomUUID()) }],
      ['batch: ids not array', 'POST', '/batch', { action: 'delete', ids: id }],
    ];
    for (const [name, method, path, body, raw] of cases) {
      const res = await call(token, method, path, body, raw);
      assert.ok(res.status >= 400 && res.status < 500, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.success, false, name);
      assert.ok(typeof res.body.code === 'number' && res.body.code >= 1000 && res.body.message, name);
    }
    assert.equal((await ApiKey.findByPk(id))!.status, 1);
  });
});
