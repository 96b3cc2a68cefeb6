import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { withConfig } from '../support/cardKeys.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { makeUser, postForm } from '../support/identity.js';

describe('GET /metrics (Prometheus text, behind a token or a super admin session)', function () {
  this.timeout(60_000);
  let server: TestServer;
  const token = 'metrics-token-0123456789abcdef';
  before(async () => (server = await startTestServer({ mountAdmin })));
  after(() => server.close());

  it('refuses without the token or a super admin session, and with a wrong token', async () => {
    await withConfig({ METRICS_TOKEN: token }, async () => {
      assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status, 401);
    });
  });

  it('serves request rates and latencies per route, queue depths, pool usage, dependencies and fault states', async () => {
    await fetch(`${server.url}/api/packages`);
    await withConfig({ METRICS_TOKEN: token }, async () => {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const text = await res.text();
      assert.match(text, /seahorse_http_requests_total\{method="GET",route="\/api\/packages",status="200"\} \d+/);
      assert.match(text, /seahorse_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/packages"\}/);
      assert.match(text, /seahorse_queue_jobs\{queue="email",state="waiting"\} \d+/);
      assert.match(text, /seahorse_db_pool_connections\{state="size"\} \d+/);
      assert.match(text, /seahorse_dependency_up\{service="postgres"\} 1/);
      assert.match(text, /seahorse_dependency_up\{service="redis"\} 1/);
      assert.match(text, /# TYPE seahorse_fault_active gauge/);
    });
  });

  it('lets a super admin session read it at /admin/metrics, not an agent session', async () => {
    const cookieOf = async (role: 'super_admin' | 'agent') => {
      const user = await makeUser({ role, password: 'Right1pass' });
      const res = await postForm(`${server.url}/admin/login`, { email: user.username, password: 'Right1pass' });
      assert.equal(res.status, 302);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    // The session cookie is scoped to /admin: browsers read the same text at /admin/metrics.
    const root = await cookieOf('super_admin');
    const page = await fetch(`${server.url}/admin/metrics`, { headers: { cookie: root } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /seahorse_http_requests_total/);
    assert.equal((await fetch(`${server.url}/admin/metrics`, { headers: { cookie: await cookieOf('agent') } })).status, 401);
    assert.equal((await fetch(`${server.url}/admin/metrics`)).status, 401);
  });
});
