import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { db } from '../../../server/db/index.js';
import { ApiKey, MiniUser, PointsLot, PurchaseRecord } from '../../../server/models/index.js';
import { deleteApiKeys, setApiKeysEnabled } from '../../../server/services/apiKeys/changeApiKeys.js';
import { rotateMeteringServiceSecret, setMeteringServiceEnabled } from '../../../server/services/metering/meteringServices.js';
import { setMiniUserStatus } from '../../../server/services/miniUsers/index.js';
import { findPointsDrift, PointsOperation } from '../../../server/services/points/index.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { until } from '../../support/until.js';
import { charge, newApi, newKey, newMiniUser, newService, theSuperAdmin, type ServiceCreds } from '../../support/apiKeys.js';

describe('metering: POST /open/v1/metering/charge', () => {
  let server: TestServer;
  let service: ServiceCreds;

  before(async () => {
    server = await startTestServer();
    service = await newService();
  });
  after(() => server.close());
  afterEach(async () => assert.deepEqual(await findPointsDrift(), []));

  it('allows a call, deducts the API price and writes the consume record with key, API name and path', async () => {
    const userId = await newMiniUser(10);
    const api = await newApi(3);
    const { id, key } = await newKey(userId);
    const res = await charge(server.url, service, { apiKey: key, apiName: api.name, callerIp: '203.0.113.9' });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.decision, 'allow');
    assert.equal(res.body.data.chargedPoints, 3);
    assert.equal(res.body.data.remainingPoints, 7);
    const record = await PurchaseRecord.findByPk(res.body.data.recordId);
    assert.equal(record!.operationType, PointsOperation.consume);
    assert.equal(record!.apiKeyId, id);
    assert.equal(record!.apiName, api.name);
    assert.equal(record!.apiPath, api.path);
    assert.equal(record!.pointsChange, -3);
    assert.equal(record!.meteringServiceId, service.id);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 7);
  });

  it('denies with a reason code for each failed check, in order, charging nothing', async () => {
    const userId = await newMiniUser(5);
    const api = await newApi(1);
    const other = await newApi(1);
    const scoped = await newKey(userId, { scopeAll: false, apiIds: [api.id], ipWhitelist: ['198.51.100.0/24'] });
    const call = (body: Partial<{ apiKey: string; apiName: string; callerIp: string }>) =>
      charge(server.url, service, { apiKey: scoped.key, apiName: api.name, callerIp: '198.51.100.7', ...body });

    const reasons = [
      [await call({ apiKey: 'sh_live_not-a-key' }), 'KEY_NOT_FOUND'],
      [await call({ apiKey: (await newKey(userId)).key.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) }), 'KEY_NOT_FOUND'],
      [await call({ apiName: 'no_such_api' }), 'API_NOT_FOUND'],
      [await call({ apiName: other.name }), 'API_NOT_IN_SCOPE'],
      [await call({ callerIp: '198.51.101.7' }), 'IP_NOT_ALLOWED'],
    ] as const;
    for (const [res, reason] of reasons) {
      assert.equal(res.status, 200);
      assert.equal(res.body.data.decision, 'deny', reason);
      assert.equal(res.body.data.reason, reason);
    }
    await MiniUser.update({ status: 0 }, { where: { id: userId } });
    assert.equal((await call({})).body.data.reason, 'USER_FROZEN');
    await MiniUser.update({ status: 1 }, { where: { id: userId } });
    assert.equal((await call({})).body.data.decision, 'allow');

    await ApiKey.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: scoped.id } });
    assert.equal((await call({})).body.data.reason, 'KEY_EXPIRED', 'expiry refuses even a key cached as valid');
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 4);
  });

  it('denies INSUFFICIENT_POINTS with the remaining balance and changes nothing', async () => {
    const userId = await newMiniUser(2);
    const api = await newApi(3);
    const { key } = await newKey(userId);
    const res = await charge(server.url, service, { apiKey: key, apiName: api.name, callerIp: '::1' });
    assert.deepEqual(
      { decision: res.body.data.decision, reason: res.body.data.reason, remaining: res.body.data.remainingPoints },
      { decision: 'deny', reason: 'INSUFFICIENT_POINTS', remaining: 2 },
    );
    assert.equal(await PurchaseRecord.count({ where: { userId, operationType: PointsOperation.consume } }), 0);
  });

  it('64 concurrent charges against points for exactly N of them: exactly N allowed, balance 0, lots and records consistent', async () => {
    const price = 3;
    const n = 23;
    const userId = await newMiniUser(price * n, 4);
    const api = await newApi(price);
    const keys = await Promise.all([newKey(userId), newKey(userId)]);
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        charge(server.url, service, { apiKey: keys[i % 2]!.key, apiName: api.name, callerIp: '10.1.2.3', requestId: `burst-${userId}-${i}` }),
      ),
    );
    assert.ok(results.every((r) => r.status === 200));
    const allowed = results.filter((r) => r.body.data.decision === 'allow');
    const denied = results.filter((r) => r.body.data.decision === 'deny');
    assert.equal(allowed.length, n);
    assert.ok(denied.every((r) => r.body.data.reason === 'INSUFFICIENT_POINTS'));
    assert.deepEqual(
      allowed.map((r) => r.body.data.remainingPoints).sort((a: number, b: number) => a - b),
      Array.from({ length: n }, (_, i) => i * price),
      'every allowed charge saw a distinct balance',
    );
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 0);
    const lots = await PointsLot.findAll({ where: { userId } });
    assert.ok(lots.every((l) => l.remaining === 0));
    const consumed = await PurchaseRecord.findAll({ where: { userId, operationType: PointsOperation.consume } });
    assert.equal(consumed.length, n);
    assert.equal(consumed.reduce((s, r) => s + r.pointsChange, 0), -price * n);
  });

  it('charges the same request id once, even when the retries race', async () => {
    const userId = await newMiniUser(100);
    const api = await newApi(5);
    const { key } = await newKey(userId);
    const body = { apiKey: key, apiName: api.name, callerIp: '10.0.0.1', requestId: `once-${randomUUID()}` };
    const first = await charge(server.url, service, body);
    const racing = await Promise.all(Array.from({ length: 8 }, () => charge(server.url, service, body)));
    assert.equal(first.body.data.replayed, false);
    for (const r of racing) {
      assert.equal(r.body.data.decision, 'allow');
      assert.equal(r.body.data.replayed, true);
      assert.equal(r.body.data.recordId, first.body.data.recordId);
      assert.equal(r.body.data.remainingPoints, 95);
    }
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 95);

    const concurrentId = `race-${randomUUID()}`;
    const raced = await Promise.all(Array.from({ length: 8 }, () => charge(server.url, service, { ...body, requestId: concurrentId })));
    assert.equal(raced.filter((r) => r.body.data.replayed === false).length, 1);
    assert.equal(new Set(raced.map((r) => r.body.data.recordId)).size, 1);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 90);

    const otherUser = await newMiniUser(100);
    const otherKey = await newKey(otherUser);
    const reused = await charge(server.url, service, { ...body, apiKey: otherKey.key });
    assert.equal(reused.body.data.reason, 'REQUEST_ID_REUSED');
    assert.equal((await MiniUser.findByPk(otherUser))!.totalPoints, 100);
  });

  it('refuses unknown, wrong or disabled service credentials with a 401 envelope', async () => {
    const userId = await newMiniUser(10);
    const api = await newApi(1);
    const { key } = await newKey(userId);
    const body = { apiKey: key, apiName: api.name, callerIp: '10.0.0.1' };
    const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString('base64')}` });
    const attempts = [
      { authorization: '' },
      { authorization: 'Bearer abc' },
      basic(`svc_unknown:${service.secret}`),
      basic(`${service.clientId}:wrong-secret`),
      basic(`${service.clientId}`),
      { authorization: 'Basic !!!' },
    ];
    for (const creds of attempts) {
      const res = await charge(server.url, creds, body);
      assert.equal(res.status, 401, JSON.stringify(creds));
      assert.equal(res.body.success, false);
      assert.equal(res.body.reason, 'SERVICE_UNAUTHORIZED');
    }
    const disabled = await newService();
    assert.equal((await charge(server.url, disabled, body)).status, 200);
    await setMeteringServiceEnabled(await theSuperAdmin(), disabled.id, false);
    assert.equal((await charge(server.url, disabled, body)).status, 401);
    const rotated = await newService();
    assert.equal((await charge(server.url, rotated, body)).status, 200);
    await rotateMeteringServiceSecret(await theSuperAdmin(), rotated.id);
    assert.equal((await charge(server.url, rotated, body)).status, 401, 'the old secret stops working at once');
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 8);
  });

  it('a key disabled or deleted through one server is refused at once by a second server that had it cached', async () => {
    const second = await startTestServer();
    try {
      const userId = await newMiniUser(100);
      const api = await newApi(1);
      const disabled = await newKey(userId);
      const deleted = await newKey(userId);
      const body = (key: string) => ({ apiKey: key, apiName: api.name, callerIp: '10.0.0.1' });
      for (const k of [disabled, deleted]) assert.equal((await charge(second.url, service, body(k.key))).body.data.decision, 'allow');

      await setApiKeysEnabled({ kind: 'mini_user', userId }, [disabled.id], false);
      await deleteApiKeys({ kind: 'mini_user', userId }, [deleted.id]);
      assert.equal((await charge(second.url, service, body(disabled.key))).body.data.reason, 'KEY_DISABLED');
      assert.equal((await charge(second.url, service, body(deleted.key))).body.data.reason, 'KEY_NOT_FOUND');

      await setMiniUserStatus({ userId, frozen: true, actor: await theSuperAdmin() });
      await setApiKeysEnabled({ kind: 'mini_user', userId }, [disabled.id], true);
      // The re-enable reaches the second server's cache by pub/sub (within a second); until then a
      // cached refusal may still answer KEY_DISABLED — a refusal either way, never an allow.
      await until(async () => (await charge(second.url, service, body(disabled.key))).body.data.reason === 'USER_FROZEN', 'the re-enable to reach the second server', 1000);
    } finally {
      await second.close();
    }
  });

  it('a user row held by a slow transaction elsewhere: that user\'s charges answer 503 METERING_BUSY and charge nothing, others go through, a retry charges once', async () => {
    const api = await newApi(2);
    const [held, free] = [await newMiniUser(10), await newMiniUser(10)];
    const [heldKey, freeKey] = [(await newKey(held)).key, (await newKey(free)).key];
    const requestId = `busy_${randomUUID()}`;
    const slow = await db().transaction();
    let answers: Array<Awaited<ReturnType<typeof charge>>>;
    try {
      await db().query('SELECT 1 FROM meta_user WHERE id = :id FOR UPDATE', { replacements: { id: held }, transaction: slow });
      // Sent together, so the held user's charge may share a statement with the free user's.
      answers = await Promise.all([
        charge(server.url, service, { apiKey: heldKey, apiName: api.name, callerIp: '10.0.0.1', requestId }),
        charge(server.url, service, { apiKey: freeKey, apiName: api.name, callerIp: '10.0.0.1' }),
      ]);
    } finally {
      await slow.rollback();
    }
    assert.equal(answers[0]!.status, 503, JSON.stringify(answers[0]!.body));
    assert.equal(answers[0]!.body.reason, 'METERING_BUSY');
    assert.equal(answers[1]!.body.data.decision, 'allow');
    assert.equal((await MiniUser.findByPk(held))!.totalPoints, 10, 'nothing charged while busy');
    const retried = await charge(server.url, service, { apiKey: heldKey, apiName: api.name, callerIp: '10.0.0.1', requestId });
    assert.deepEqual([retried.body.data.decision, retried.body.data.replayed], ['allow', false]);
    assert.equal((await MiniUser.findByPk(held))!.totalPoints, 8);
  });

  it('rejects malformed input with a 400 envelope, never a 500', async () => {
    const cases: Array<[string, string]> = [
      ['not json', '{"apiKey":'],
      ['array', '[]'],
      ['empty object', '{}'],
      ['missing callerIp', JSON.stringify({ apiKey: 'sh_live_x', apiName: 'a' })],
      ['bad callerIp', JSON.stringify({ apiKey: 'sh_live_x', apiName: 'a', callerIp: '999.1.1.1' })],
      ['callerIp cidr', JSON.stringify({ apiKey: 'sh_live_x', apiName: 'a', callerIp: '10.0.0.0/8' })],
      ['number key', JSON.stringify({ apiKey: 12, apiName: 'a', callerIp: '10.0.0.1' })],
      ['huge key', JSON.stringify({ apiKey: 'x'.repeat(5000), apiName: 'a', callerIp: '10.0.0.1' })],
      ['bad requestId', JSON.stringify({ apiKey: 'sh_live_x', apiName: 'a', callerIp: '10.0.0.1', requestId: 'a b' })],
      ['null', 'null'],
      ['too large', JSON.stringify({ apiKey: 'x'.repeat(20_000) })],
    ];
    for (const [name, raw] of cases) {
      const res = await fetch(`${server.url}/open/v1/metering/charge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: service.authorization },
        body: raw,
      });
      const body = (await res.json()) as { success: boolean; code: number };
      assert.ok(res.status >= 400 && res.status < 500, `${name}: ${res.status}`);
      assert.equal(body.success, false, name);
      assert.ok(body.code > 1000, name);
    }
  });
});
