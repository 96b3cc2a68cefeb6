import assert from 'node:assert/strict';
import { openRouter } from '../../../server/routes/open/index.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { documentedRoutes, servedRoutes } from '../../support/openApi.js';

describe('OpenAPI document at /open/docs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('documents every route the open API serves, with its authentication, reason codes and response signature', async () => {
    const doc = await (await fetch(`${server.url}/open/docs/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
    const documented = documentedRoutes(doc, '/open');
    const served = servedRoutes(openRouter());
    assert.ok(served.length >= 3, `found ${served.length} routes`);
    for (const route of served) assert.ok(documented.has(route), `${route} is served but not documented`);

    const verify = doc.paths['/open/v1/card-keys/verify'].post;
    assert.deepEqual(verify.security, [{ appKey: [] }]);
    assert.deepEqual(
      verify.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name),
      ['X-Timestamp', 'X-Nonce', 'X-Signature'],
    );
    assert.deepEqual(verify.requestBody.content['application/json'].schema.required, ['card_key', 'device_id']);
    assert.ok(verify.responses['200'].headers['X-Response-Signature']);
    assert.ok(verify.responses['200'].content['application/json'].schema.properties.reason.enum.includes('DEVICE_MISMATCH'));
    assert.ok(verify.responses['401'].content['application/json'].schema.properties.reason.enum.includes('NONCE_REUSED'));
    assert.ok(doc.paths['/open/v1/card-keys/{code}'].get.parameters.some((p: { in: string; name: string }) => p.in === 'path' && p.name === 'code'));
    const charge = doc.paths['/open/v1/metering/charge'].post;
    assert.deepEqual(charge.security, [{ serviceBasic: [] }]);
    assert.equal(doc.components.securitySchemes.serviceBasic.scheme, 'basic');
    assert.deepEqual(charge.requestBody.content['application/json'].schema.required.sort(), ['apiKey', 'apiName', 'callerIp']);
    assert.match(JSON.stringify(charge.responses['200']), /INSUFFICIENT_POINTS/);
  });

  it('serves the viewer', async () => {
    const res = await fetch(`${server.url}/open/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger-ui/i);
  });
});
