import assert from 'node:assert/strict';
import type { Router } from 'express';
import { apiRouter } from '../../server/routes/api/index.js';
import { startTestServer, type TestServer } from '../support/http.js';

/** Every method + path the /api router actually serves (walking nested routers). */
function servedRoutes(router: Router): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: any[] }).stack);
  return out.filter((r) => !r.includes('/docs'));
}

describe('OpenAPI document at /api/docs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('documents every route the API serves, with request schemas from the zod validators', async () => {
    const doc = await (await fetch(`${server.url}/api/docs/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method} ${path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const served = servedRoutes(apiRouter());
    assert.ok(served.length >= 25, `found ${served.length} routes`);
    for (const route of served) assert.ok(documented.has(route), `${route} is served but not documented`);

    const login = doc.paths['/api/auth/wx-login'].post;
    assert.deepEqual(login.requestBody.content['application/json'].schema.required, ['code']);
    const orders = doc.paths['/api/orders'].get;
    assert.deepEqual(orders.parameters.map((p: { name: string }) => p.name).sort(), ['page', 'pageSize', 'status']);
    assert.deepEqual(orders.security, [{ bearerAuth: [] }]);
    assert.ok(doc.paths['/api/orders/{id}/pay'].post.parameters.some((p: { in: string; name: string }) => p.in === 'path' && p.name === 'id'));
  });

  it('serves the viewer', async () => {
    const res = await fetch(`${server.url}/api/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger-ui/i);
  });
});
