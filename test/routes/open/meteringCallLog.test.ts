import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Op } from 'sequelize';
import { ApiCallLog } from '../../../server/models/index.js';
import { flushApiCallLog } from '../../../server/services/logs/apiCallLog.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { newApi, newKey, newMiniUser, newService, type ServiceCreds } from '../../support/apiKeys.js';

describe('api_call_logs for POST /open/v1/metering/charge', () => {
  let server: TestServer;
  let service: ServiceCreds;

  before(async () => {
    server = await startTestServer();
    service = await newService();
  });
  after(() => server.close());

  it('logs allowed, denied, malformed and unauthenticated charges by route pattern and reason, never the API key or service secret', async () => {
    const userId = await newMiniUser(1);
    const api = await newApi(1);
    const { key } = await newKey(userId);
    const tag = randomUUID().slice(0, 8);
    const post = async (n: number, body: unknown, authorization = service.authorization) => {
      const res = await fetch(`${server.url}/open/v1/metering/charge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, 'x-request-id': `${tag}-${n}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { data?: { decision: string; reason?: string } } };
    };
    assert.equal((await post(1, { apiKey: key, apiName: api.name, callerIp: '203.0.113.9' })).body.data!.decision, 'allow');
    assert.equal((await post(2, { apiKey: key, apiName: api.name, callerIp: '203.0.113.9' })).body.data!.reason, 'INSUFFICIENT_POINTS');
    assert.equal((await post(3, { apiKey: key })).status, 400);
    assert.equal((await post(4, { apiKey: key, apiName: api.name, callerIp: '203.0.113.9' }, 'Basic bm9wZTpub3Bl')).status, 401);

    assert.equal((await post(5, { apiKey: 'sh_live_unknown', apiName: api.name, callerIp: '203.0.113.9' })).body.data!.reason, 'KEY_NOT_FOUND');
    await flushApiCallLog();

    const rows = await ApiCallLog.findAll({ where: { requestId: { [Op.like]: `${tag}-%` } }, order: [['requestId', 'ASC']] });
    // The key's owner is on the rows of charges that named a known key.
    assert.deepEqual(
      rows.map((r) => [r.requestId, r.method, r.path, r.status, r.errorCode, r.miniUserId]),
      [
        [`${tag}-1`, 'POST', '/open/v1/metering/charge', 200, null, userId],
        [`${tag}-2`, 'POST', '/open/v1/metering/charge', 200, 'INSUFFICIENT_POINTS', userId],
        [`${tag}-3`, 'POST', '/open/v1/metering/charge', 400, 'VALIDATION_FAILED', null],
        [`${tag}-4`, 'POST', '/open/v1/metering/charge', 401, 'SERVICE_UNAUTHORIZED', null],
        [`${tag}-5`, 'POST', '/open/v1/metering/charge', 200, 'KEY_NOT_FOUND', null],
      ],
    );
    const stored = JSON.stringify(rows.map((r) => r.toJSON()));
    assert.ok(!stored.includes(key) && !stored.includes(service.secret), 'no API key or service secret in the log');
  });
});
