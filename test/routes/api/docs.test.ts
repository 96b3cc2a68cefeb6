import assert from 'node:assert/strict';
import { apiRouter } from '../../../server/routes/api/index.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { documentedRoutes, servedRoutes } from '../../support/openApi.js';

describe('OpenAPI document at /api/docs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('documents every route the API serves, with request schemas from the zod validators', async () => {
    const doc = await (await fetch(`${server.url}/api/docs/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
    const documented = documentedRoutes(doc, '/api');
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
