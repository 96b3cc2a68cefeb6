import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/http.js';

describe('health endpoints', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  it('GET /healthz answers while the process is up', async () => {
    const res = await fetch(`${srv.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('GET /readyz reports Postgres and Redis', async () => {
    const res = await fetch(`${srv.url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ready', postgres: 'ok', redis: 'ok' });
  });

  it('unknown API paths get a 404 envelope and a request id', async () => {
    const res = await fetch(`${srv.url}/api/nope`);
    assert.equal(res.status, 404);
    assert.ok(res.headers.get('x-request-id'));
    const body = await res.json();
    assert.equal(body.success, false);
  });

  it('malformed JSON is a 400 envelope, not a 500', async () => {
    const res = await fetch(`${srv.url}/api/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).reason, 'MALFORMED_JSON');
  });
});
